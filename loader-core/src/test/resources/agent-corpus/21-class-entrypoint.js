// mode: run
// expect: "Hello, Ada (tenant t-1)"
import { WorkerEntrypoint } from 'cloudflare:workers';
export default class Greeter extends WorkerEntrypoint {
  async run(param) {
    const name = param?.name ?? 'Ada';
    return `Hello, ${name} (tenant ${this.ctx.props.tenant ?? 't-1'})`;
  }
}
