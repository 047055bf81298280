Page({
  // what the user writes stays on the phone: the SDK never reads page data, inputs or setData payloads
  data: { text: '' },
  onInput(e) {
    this.setData({ text: e.detail.value });
  },
});
