/**
 * The texts of blocking visitors (the conversation's action, its dialog, the supervisors' list),
 * in English. The console speaks English only for now; kept in one object like
 * `account/account-texts.ts`, so they move into the console's language files as they are. `{name}`
 * and `{n}` are filled in with `fill`.
 */
export const BLOCK_TEXTS = {
  blockVisitor: 'Block visitor',
  blockTitle: 'Block {name}?',
  blockDetails:
    'They will only see that the chat is not available, also when the site signs them in on another device, until a supervisor unblocks them. Their conversations close.',
  reason: 'Reason',
  reasonHint: 'For your team and the audit log; the visitor never sees it. At most {n} characters.',
  reasonMissing: 'Enter a reason.',
  reasonTooLong: 'Use at most {n} characters.',
  blockedNotice: 'Visitor blocked by {name}, {time}: {reason}',
  blockedVisitors: 'Blocked visitors',
  loading: 'Loading…',
  noneBlocked: 'No visitor is blocked.',
  verifiedUser: 'user {name}',
  blockedBy: 'Blocked by {name}, {time}',
  unblock: 'Unblock',
  unblockVisitor: 'Unblock {name}',
  unblockTitle: 'Unblock {name}?',
  unblockDetails: 'They can chat on the site again at once.',
  unblocked: '{name} can chat again.',
  showMore: 'Show more',
  cancel: 'Cancel',
  close: 'Close',
} as const;
