/** The dashboard SPA is built by Vite (src/main.tsx); this entry only names the package. */
export const WEB_PACKAGE = '@mgops/web';
