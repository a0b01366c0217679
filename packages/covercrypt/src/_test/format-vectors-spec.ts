/** The access structure of the frozen format vectors (mixed modes, one ordered dimension). */
import type { StructureSpec } from '../structure.ts';

export const VECTOR_STRUCTURE: StructureSpec = {
  dimensions: [
    { name: 'Department', attributes: ['MKG', { name: 'HR', mode: 'classic' }, 'FIN'] },
    {
      name: 'Level',
      kind: 'ordered',
      attributes: [
        { name: 'LOW', mode: 'classic' },
        { name: 'HIGH', mode: 'classic' },
      ],
    },
    {
      name: 'Zone',
      attributes: [
        { name: 'A', mode: 'classic' },
        { name: 'B', mode: 'classic' },
      ],
    },
  ],
};
