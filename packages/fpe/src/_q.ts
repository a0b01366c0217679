import { FF1 } from './ff1.ts';
import { FF1 as OLD } from './_ff1old.ts';
const KEY = new Uint8Array(32).map((_, i) => i * 7 + 1);
function bench(name: string, fn: () => unknown, n = 100000) { for (let i=0;i<n/4;i++) fn(); const t=process.hrtime.bigint(); for(let i=0;i<n;i++) fn(); const dt=Number(process.hrtime.bigint()-t)/n/1000; console.log(name, dt.toFixed(2),'us'); }
const a = new FF1(KEY, 10), b = new OLD(KEY, 10);
const D = [4,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1];
for (let k = 0; k < 3; k++) { let x = D, y = D; bench('new', () => (x = a.encrypt(x))); bench('old', () => (y = b.encrypt(y))); }
