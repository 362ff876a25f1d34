import { type Availability, type LauncherToLoader, parsePageCall } from '@hovor/protocol';
import { describe, expect, it } from 'vitest';
import { createLauncher, type LauncherView, type Outgoing } from './launcher.js';
import type { LauncherConfig } from './launcher-config.js';

const CONFIG: LauncherConfig = {
  color: '#2563eb',
  locale: null,
  position: 'right',
  launcherText: '',
  launcherTexts: [],
  hidesWhenOffline: false,
};

/** A question of the launcher to the server, answered when the test says. */
interface Question {
  departmentId: string | null;
  answer(availability: Availability | null): Promise<void>;
}

function setup(saved: string | null = null, config: Partial<LauncherConfig> = {}) {
  const posted: Array<Outgoing<LauncherToLoader>> = [];
  const views: LauncherView[] = [];
  const questions: Question[] = [];
  const launcher = createLauncher({
    siteKey: 'shop-1',
    config: { ...CONFIG, ...config },
    saved,
    post: (m) => posted.push(m),
    render: (view) => views.push({ ...view }),
    titleText: (n) => `(${n}) New`,
    askAvailability: (departmentId) =>
      new Promise((resolve) => {
        questions.push({
          departmentId,
          answer: async (availability) => {
            resolve(availability);
            // The launcher goes on once the answer's promise settles: a task later it has.
            await new Promise((done) => setTimeout(done));
          },
        });
      }),
  });
  const call = (...args: unknown[]) => launcher.call(parsePageCall(args));
  const of = <T extends Outgoing<LauncherToLoader>['type']>(type: T) =>
    posted.filter((m): m is Extract<Outgoing<LauncherToLoader>, { type: T }> => m.type === type);
  const lastLayout = () => of('layout').at(-1)!;
  const availabilityEvents = () =>
    of('emit')
      .filter((m) => m.name === 'availability')
      .map((m) => m.data);
  return { launcher, posted, views, questions, call, of, lastLayout, availabilityEvents };
}

const live = { mode: 'live', offlineText: 'Back at 9.' } as const;
const hidden = { mode: 'hidden', offlineText: 'Back at 9.' } as const;

describe('the launcher', () => {
  it('starts closed without a chat, tells the page it is ready, and loads the chat on intent', () => {
    const { launcher, of, lastLayout } = setup();
    launcher.start();
    expect(lastLayout()).toMatchObject({ isOpen: false, isShown: true, chat: null, side: 'right' });
    expect(of('emit').map((m) => m.name)).toEqual(['ready']);
    launcher.intent();
    expect(lastLayout()).toMatchObject({ isOpen: false, chat: 'site=shop-1' });
  });

  it('opens, closes and toggles by the API and the button, with events and the state saved for the next page', () => {
    const { launcher, call, of, lastLayout } = setup();
    launcher.start();
    call('open');
    expect(lastLayout()).toMatchObject({ isOpen: true, chat: 'site=shop-1' });
    call('toggle');
    launcher.toggle();
    call('close');
    expect(of('emit').map((m) => m.name)).toEqual(['ready', 'open', 'close', 'open', 'close']);
    // Not active yet: nothing to restore.
    expect(of('save').at(-1)?.value).toBe('');
    launcher.chat({ source: 'hovor', type: 'conversation', isActive: true });
    expect(of('save').at(-1)?.value).toBe('active');
    launcher.toggle();
    expect(of('save').at(-1)?.value).toBe('active open');
  });

  it('loads the chat at once and reopens it when the last page had a conversation open', () => {
    expect(setup('active open').launcher.view.isOpen).toBe(true);
    const closed = setup('active');
    closed.launcher.start();
    expect(closed.lastLayout()).toMatchObject({ isOpen: false, chat: 'site=shop-1' });
  });

  it('hides and shows the launcher; the API still opens the chat', () => {
    const { launcher, call, lastLayout } = setup();
    launcher.start();
    call('hide');
    expect(lastLayout().isShown).toBe(false);
    call('open');
    expect(lastLayout()).toMatchObject({ isShown: false, isOpen: true });
    call('show');
    expect(lastLayout().isShown).toBe(true);
  });

  it('warns once about a bad call and changes nothing', () => {
    const { launcher, call, of, lastLayout } = setup();
    launcher.start();
    const before = lastLayout();
    call('explode');
    call('setDepartment', 'sales');
    call('on', 'everything', true);
    call('setLocale', 42);
    expect(of('console').map((m) => m.level)).toEqual(['warn', 'warn', 'warn', 'warn']);
    expect(of('console')[0]!.text).toContain('unknown command; the commands are open, close');
    expect(of('console')[1]!.text).toContain("Hovor('setDepartment', departmentId)");
    expect(lastLayout()).toEqual(before);
    expect(of('chat')).toEqual([]);
  });

  it('tells a ready chat the state, department and language the page set before it loaded', () => {
    const { launcher, call, of, lastLayout } = setup();
    launcher.start();
    call('setDepartment', '65f1c0ffee0000000000beef');
    call('setLocale', 'cs');
    call('open');
    expect(lastLayout().chat).toBe('site=shop-1&locale=cs');
    expect(of('chat')).toEqual([]);
    launcher.chat({ source: 'hovor', type: 'ready' });
    expect(of('chat').map((m) => m.message)).toEqual([
      { source: 'hovor', type: 'opened' },
      { source: 'hovor', type: 'department', departmentId: '65f1c0ffee0000000000beef' },
      { source: 'hovor', type: 'locale', locale: 'cs' },
    ]);
    call('setLocale', 'pl');
    expect(of('chat').at(-1)!.message).toEqual({ source: 'hovor', type: 'locale', locale: 'pl' });
  });

  it('shows unread messages, flashes the title while there are some and tells the page', () => {
    const { launcher, of, views } = setup();
    launcher.start();
    launcher.chat({ source: 'hovor', type: 'unread', count: 2 });
    launcher.chat({ source: 'hovor', type: 'unread', count: 2 });
    launcher.chat({ source: 'hovor', type: 'unread', count: 0 });
    expect(of('title').map((m) => m.text)).toEqual(['(2) New', null]);
    expect(
      of('emit')
        .filter((m) => m.name === 'unread')
        .map((m) => m.data),
    ).toEqual([{ count: 2 }, { count: 0 }]);
    expect(views.map((v) => v.unread)).toContain(2);
  });

  it('passes the chat’s events on to the page and its first error to the console', () => {
    const { launcher, of } = setup();
    launcher.chat({
      source: 'hovor',
      type: 'event',
      name: 'agent:assigned',
      data: { id: 'a1', name: 'Alice' },
    });
    launcher.chat({ source: 'hovor', type: 'error', code: 'FORBIDDEN', message: 'origin not allowed' });
    launcher.chat({ source: 'hovor', type: 'error', code: 'FORBIDDEN', message: 'origin not allowed' });
    expect(of('emit')).toEqual([{ type: 'emit', name: 'agent:assigned', data: { id: 'a1', name: 'Alice' } }]);
    expect(of('console')).toEqual([
      { type: 'console', level: 'error', text: '[Hovor] chat failed (FORBIDDEN): origin not allowed' },
    ]);
  });

  it('closes when the chat asks to (Escape, Minimize)', () => {
    const { launcher, call, lastLayout } = setup();
    call('open');
    launcher.chat({ source: 'hovor', type: 'close' });
    expect(lastLayout().isOpen).toBe(false);
  });

  it('[P19] hands the chat the identity and attributes before anything else, and announces the identity in the chat’s query', () => {
    const { launcher, call, of, lastLayout } = setup();
    launcher.start();
    call('identify', { token: 'aaa.bbb.ccc' });
    call('setAttributes', { plan: 'pro', seats: 3 });
    call('setAttributes', { seats: null });
    call('open');
    expect(lastLayout().chat).toBe('site=shop-1&identified=1');
    launcher.chat({ source: 'hovor', type: 'ready' });
    expect(of('chat').map((m) => m.message.type)).toEqual(['identify', 'attributes', 'opened']);
    expect(of('chat')[1]!.message).toEqual({
      source: 'hovor',
      type: 'attributes',
      attributes: { plan: 'pro', seats: null },
    });
  });

  it('[P19] refuses attributes past 20 in all, and bad identities, with a warning', () => {
    const { launcher, call, of } = setup();
    launcher.start();
    call('setAttributes', Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`a${i}`, i])));
    call('setAttributes', Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`b${i}`, i])));
    call('setAttributes', { nested: { no: 1 } });
    call('identify', 'not-an-object');
    call('identify', { token: 'no dots here' });
    expect(of('console').map((m) => m.text)).toEqual([
      "[Hovor] ignored Hovor('setAttributes', …): a visitor has at most 20 attributes",
      expect.stringContaining("bad Hovor('setAttributes'"),
      expect.stringContaining("bad Hovor('identify'"),
      expect.stringContaining("bad Hovor('identify'"),
    ]);
  });

  it('[P19] forgets the identity, the attributes, the conversation and the unread count on reset', () => {
    const { launcher, call, of, lastLayout } = setup('active');
    launcher.start();
    launcher.chat({ source: 'hovor', type: 'ready' });
    call('identify', { token: 'aaa.bbb.ccc' });
    launcher.chat({ source: 'hovor', type: 'unread', count: 3 });
    call('reset');
    expect(of('chat').at(-1)!.message).toEqual({ source: 'hovor', type: 'reset' });
    expect(of('save').at(-1)!.value).toBe('');
    expect(of('emit').at(-1)).toEqual({ type: 'emit', name: 'unread', data: { count: 0 } });
    expect(lastLayout().chat).toBe('site=shop-1');
  });

  it('[P22] on a site that hides while offline, waits for the first answer, hides while hidden, and shows when agents are back', async () => {
    const { launcher, questions, call, lastLayout, availabilityEvents } = setup(null, {
      hidesWhenOffline: true,
    });
    launcher.start();
    expect(lastLayout().isShown).toBe(false); // no flash before the answer
    expect(questions.map((q) => q.departmentId)).toEqual([null]);
    await questions[0]!.answer(hidden);
    expect(lastLayout().isShown).toBe(false);
    launcher.refresh();
    await questions[1]!.answer(hidden);
    launcher.refresh();
    await questions[2]!.answer(live);
    expect(lastLayout().isShown).toBe(true);
    // Each change once, in the chat's shape.
    expect(availabilityEvents()).toEqual([hidden, live]);
    // The chat's own word counts too, and a page's `hide` still hides.
    launcher.chat({ source: 'hovor', type: 'event', name: 'availability', data: hidden });
    expect(lastLayout().isShown).toBe(false);
    call('open');
    expect(lastLayout()).toMatchObject({ isShown: true, isOpen: true }); // the page asked
    call('close');
    launcher.chat({ source: 'hovor', type: 'conversation', isActive: true });
    expect(lastLayout().isShown).toBe(true); // a chat going on is never hidden
    call('hide');
    expect(lastLayout().isShown).toBe(false);
    expect(availabilityEvents()).toEqual([hidden, live, hidden]);
  });

  it('[P22] shows the launcher when the server cannot say, and at once, before any answer, when a conversation goes on', async () => {
    const unsure = setup(null, { hidesWhenOffline: true });
    unsure.launcher.start();
    await unsure.questions[0]!.answer(null);
    expect(unsure.lastLayout().isShown).toBe(true);
    expect(unsure.availabilityEvents()).toEqual([]);

    const chatting = setup('active', { hidesWhenOffline: true });
    chatting.launcher.start();
    expect(chatting.questions).toHaveLength(1);
    expect(chatting.lastLayout().isShown).toBe(true);
    await chatting.questions[0]!.answer(hidden);
    expect(chatting.lastLayout().isShown).toBe(true);
  });

  it('[P22] takes the chat’s newer word over an answer still on its way', async () => {
    const { launcher, questions, lastLayout, availabilityEvents } = setup(null, { hidesWhenOffline: true });
    launcher.start();
    // The chat (loaded by the page's `open`, then closed) speaks before the first answer.
    launcher.chat({ source: 'hovor', type: 'event', name: 'availability', data: live });
    await questions[0]!.answer(hidden);
    expect(lastLayout().isShown).toBe(true);
    launcher.refresh();
    launcher.chat({ source: 'hovor', type: 'event', name: 'availability', data: hidden });
    await questions[1]!.answer(live); // asked before the chat's word: outdated
    expect(lastLayout().isShown).toBe(false);
    expect(availabilityEvents()).toEqual([live, hidden]);
  });

  it('[P22] asks only when the page listens for availability, again for its department, and keeps the last answer', async () => {
    const { launcher, questions, call, availabilityEvents } = setup();
    launcher.start();
    expect(questions).toEqual([]);
    call('on', 'availability', true); // the loader keeps the callback
    call('on', 'availability', true); // the loader keeps the callback
    call('setDepartment', '65f1c0ffee0000000000beef');
    expect(questions.map((q) => q.departmentId)).toEqual([null, '65f1c0ffee0000000000beef']);
    await questions[1]!.answer(live);
    await questions[0]!.answer(hidden); // the general queue's, answered late: outdated
    expect(availabilityEvents()).toEqual([live]);
    // The chat's same word is not news.
    launcher.chat({ source: 'hovor', type: 'event', name: 'availability', data: live });
    expect(availabilityEvents()).toEqual([live]);
  });
});
