// mode: run
// expect: {"name":"report.csv","size":12,"type":"text/csv","rows":2}
export default {
  async run() {
    const file = new File(['a,b\n1,2\n3,4\n'.slice(0, 17)], 'report.csv', { type: 'text/csv' });
    const form = new FormData();
    form.append('upload', file);
    const got = form.get('upload');
    const rows = (await got.text()).trim().split('\n').slice(1).length;
    return { name: got.name, size: got.size, type: got.type, rows };
  }
};
