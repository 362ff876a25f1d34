import { describe, expect, it } from 'vitest';
import { transferInput, transferOptions } from './team';

const CONVERSATION_ID = 'c00000000000000000000001';

describe('transferOptions', () => {
  it('[RT16] lets only online, connected colleagues be chosen, and says why the others cannot', () => {
    const { agents } = transferOptions({
      agents: [
        { id: 'a1', name: 'Bo', status: 'online', isConnected: true },
        { id: 'a2', name: 'Cy', status: 'online', isConnected: false },
        { id: 'a3', name: 'Di', status: 'away', isConnected: true },
        { id: 'a4', name: 'Ed', status: 'offline', isConnected: false },
      ],
      departments: [],
    });
    expect(agents.map((a) => [a.label, a.unavailableReason])).toEqual([
      ['Bo', null],
      ['Cy', 'disconnected'],
      ['Di', 'away'],
      ['Ed', 'offline'],
    ]);
    expect(agents[0]?.target).toEqual({ type: 'agent', agentId: 'a1' });
  });

  it('offers every department as a target', () => {
    const { departments } = transferOptions({ agents: [], departments: [{ id: 'd1', name: 'Billing' }] });
    expect(departments).toEqual([
      {
        key: 'department:d1',
        label: 'Billing',
        unavailableReason: null,
        target: { type: 'department', departmentId: 'd1' },
      },
    ]);
  });
});

describe('transferInput', () => {
  const to = { type: 'department', departmentId: 'd00000000000000000000001' } as const;

  it('keeps a comment, trimmed', () => {
    expect(transferInput(CONVERSATION_ID, to, '  VIP customer \n')).toEqual({
      conversationId: CONVERSATION_ID,
      to,
      comment: 'VIP customer',
    });
  });

  it('leaves a blank comment out, which the server would refuse', () => {
    expect(transferInput(CONVERSATION_ID, to, '  ')).toEqual({ conversationId: CONVERSATION_ID, to });
  });
});
