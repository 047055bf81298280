/* eslint-disable @typescript-eslint/no-require-imports -- mini-program modules are CommonJS */
const { mg } = require('@mgops/sdk-miniprogram');
const config = require('./config');

// A few lines in app.js: from here on every client metric reaches the platform.
mg.init({
  endpoint: config.endpoint,
  key: config.key,
  env: 'development',
  release: '1.0.0',
  features: { mood_pick: { mood: ['good', 'ok', 'bad'] }, breathing: { rounds: 'number' } },
  debug: true,
});

// App/Page are wrapped automatically; with plugins declared use App(mg.app({...})) instead.
App({
  globalData: { api: config.api },
  onLaunch() {
    mg.setUser('u_demo_0001'); // a pseudonymous id only — never a phone number or openid
  },
});
