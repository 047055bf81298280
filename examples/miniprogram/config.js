// Where the local MindGuard Ops platform listens and the ingest key it printed:
//   npm start -- --port 8080 --data data
//   npm run mgops -- keys create --app mindguard --data data
module.exports = {
  endpoint: 'http://127.0.0.1:8080',
  key: 'PASTE-THE-INGEST-KEY-HERE',
  api: 'http://127.0.0.1:8080', // the app's own backend; here any reachable URL
};
