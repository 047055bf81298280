export * from './events.js';
export * from './envelope.js';
export * from './validate.js';
export * from './mask.js';
export * from './openapi.js';
