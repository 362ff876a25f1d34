import { describe, expect, it } from 'vitest';
import { connectToHost } from './host-channel.js';

/** A frame's window as the channel sees it: its parent, and the message events it gets. */
function fakeFrameWindow() {
  const target = new EventTarget();
  const parent = { postMessage: () => {} };
  const win = Object.assign(target, { parent }) as unknown as Window;
  const deliver = (data: unknown, origin: string, source: unknown = parent) =>
    target.dispatchEvent(Object.assign(new Event('message'), { data, origin, source }));
  return { win, parent, deliver };
}

/** Lets pending promise callbacks run. */
const settle = async () => {
  for (let i = 0; i < 3; i++) await Promise.resolve();
};

describe('the frame’s channel to the loader', () => {
  it('takes its host origin from the parent’s first valid init, and nothing from anyone else', async () => {
    const { win, deliver } = fakeFrameWindow();
    let connected = false;
    const channel = connectToHost(win).then((c) => {
      connected = true;
      return c;
    });
    deliver({ source: 'hovor', type: 'init' }, 'https://evil.example', {}); // not the parent
    deliver({ source: 'hovor', type: 'init', extra: 1 }, 'https://shop.example'); // not the schema
    deliver({ source: 'hovor', type: 'init' }, 'null'); // not an origin
    await settle();
    expect(connected).toBe(false);
    deliver({ source: 'hovor', type: 'init' }, 'https://shop.example');
    expect((await channel).hostOrigin).toBe('https://shop.example');
  });

  it('then listens to the parent on that origin only', async () => {
    const { win, deliver } = fakeFrameWindow();
    const connecting = connectToHost(win);
    deliver({ source: 'hovor', type: 'init' }, 'https://shop.example');
    const channel = await connecting;
    let opened = 0;
    channel.onOpened(() => opened++);
    const department = '65f1c0ffee0000000000beef';
    deliver({ source: 'hovor', type: 'opened' }, 'https://evil.example');
    deliver({ source: 'hovor', type: 'department', departmentId: department }, 'https://shop.example', {});
    deliver({ source: 'hovor', type: 'department', departmentId: 'not an id' }, 'https://shop.example');
    expect(opened).toBe(0);
    expect(channel.departmentId).toBeNull();
    expect(channel.isOpen).toBe(false);
    deliver({ source: 'hovor', type: 'opened' }, 'https://shop.example');
    deliver({ source: 'hovor', type: 'department', departmentId: department }, 'https://shop.example');
    expect(opened).toBe(1);
    expect(channel.isOpen).toBe(true);
    expect(channel.departmentId).toBe(department);
  });
});
