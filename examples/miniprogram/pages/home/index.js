/* eslint-disable @typescript-eslint/no-require-imports -- mini-program modules are CommonJS */
const { mg } = require('@mgops/sdk-miniprogram');

Page({
  data: { status: '' },
  onLoad() {
    // measured automatically: duration, status, business code, route template — never the body
    wx.request({ url: getApp().globalData.api + '/api/v1/health?from=home', success: () => this.setData({ status: 'online' }) });
  },
  goCheckin() {
    wx.navigateTo({ url: '/pages/checkin/index' });
  },
  goDiary() {
    wx.navigateTo({ url: '/pages/diary/index' });
  },
  breathe() {
    mg.track('breathing', { rounds: 3 });
  },
  crash() {
    // an error thrown in a page method: reported once with its stack, then handled by WeChat as before
    throw new Error('demo error from the home page');
  },
  sos() {
    // the id comes from the server that opened the SOS; the event is sent at once
    mg.sos('sos_demo_' + Date.now());
  },
});
