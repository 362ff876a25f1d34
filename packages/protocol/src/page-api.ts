import { z } from 'zod/mini';
import { Id, IdentityToken, VisitorAttributes } from './common.js';
import { LocaleCode, PageEvent } from './frame.js';

/**
 * `Hovor(command, ...arguments)` of the page API, one schema per command, as the launcher frame
 * receives it: the loader replaces a callback with `true`. A call that fails its schema is
 * ignored with a console warning showing `usage`.
 */
export const PAGE_COMMANDS = {
  open: { args: z.tuple([z.literal('open')]), usage: "Hovor('open')" },
  close: { args: z.tuple([z.literal('close')]), usage: "Hovor('close')" },
  toggle: { args: z.tuple([z.literal('toggle')]), usage: "Hovor('toggle')" },
  show: { args: z.tuple([z.literal('show')]), usage: "Hovor('show')" },
  hide: { args: z.tuple([z.literal('hide')]), usage: "Hovor('hide')" },
  setDepartment: {
    args: z.tuple([z.literal('setDepartment'), z.nullable(Id)]),
    usage: "Hovor('setDepartment', departmentId) with the department's 24-character id, or null",
  },
  setLocale: {
    args: z.tuple([z.literal('setLocale'), LocaleCode]),
    usage: "Hovor('setLocale', code) with a language code such as 'cs' or 'pt-BR'",
  },
  identify: {
    args: z.tuple([z.literal('identify'), z.strictObject({ token: IdentityToken })]),
    usage: "Hovor('identify', { token }) with the JWT your backend signed with the site's identity secret",
  },
  setAttributes: {
    args: z.tuple([z.literal('setAttributes'), VisitorAttributes]),
    usage:
      "Hovor('setAttributes', { plan: 'pro', seats: 12 }): a flat object of at most 20 keys (letters, digits, _ . -) with strings of at most 200 characters, numbers, booleans, or null to remove one",
  },
  reset: {
    args: z.tuple([z.literal('reset')]),
    usage: "Hovor('reset'), e.g. when the user signs out",
  },
  on: {
    args: z.tuple([z.literal('on'), PageEvent, z.literal(true)]),
    usage: `Hovor('on', event, callback) with one of the events ${PageEvent.options.join(', ')}`,
  },
} as const;
export type PageCommand = keyof typeof PAGE_COMMANDS;

/** A page API call that passed its schema. */
export type PageCall = {
  [C in PageCommand]: z.infer<(typeof PAGE_COMMANDS)[C]['args']>;
}[PageCommand];

/**
 * Checks a `Hovor(...)` call: the call, or the warning that tells the page's developer why it was
 * ignored and how to call it.
 */
export function parsePageCall(args: readonly unknown[]): { call: PageCall } | { warning: string } {
  const command = args[0];
  const spec =
    typeof command === 'string' && Object.hasOwn(PAGE_COMMANDS, command)
      ? PAGE_COMMANDS[command as PageCommand]
      : undefined;
  if (!spec) {
    return {
      warning: `[Hovor] ignored Hovor(${typeof command === 'string' ? `'${command.slice(0, 40)}'` : typeof command}, …): unknown command; the commands are ${Object.keys(PAGE_COMMANDS).join(', ')}`,
    };
  }
  const parsed = spec.args.safeParse(args);
  return parsed.success
    ? { call: parsed.data as PageCall }
    : { warning: `[Hovor] ignored a bad Hovor('${command}', …) call; use ${spec.usage}` };
}
