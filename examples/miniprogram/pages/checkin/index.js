/* eslint-disable @typescript-eslint/no-require-imports -- mini-program modules are CommonJS */
const { mg } = require('@mgops/sdk-miniprogram');

Page({
  data: { mood: '' },
  // the check-in flow (open → choose_mood → submit → success) is configured on the platform
  onLoad() {
    mg.funnel('checkin', 'open');
  },
  choose(e) {
    const mood = e.currentTarget.dataset.mood; // datasets are never recorded by the SDK
    this.setData({ mood });
    mg.funnel('checkin', 'choose_mood');
    mg.track('mood_pick', { mood });
  },
  submit() {
    mg.funnel('checkin', 'submit');
    mg.checkin.attempt();
    wx.request({
      url: getApp().globalData.api + '/api/v1/health',
      success: () => {
        mg.checkin.success();
        mg.funnel('checkin', 'success');
        wx.navigateBack();
      },
      fail: () => mg.checkin.failure('network'),
    });
  },
});
