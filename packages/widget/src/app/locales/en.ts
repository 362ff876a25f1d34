/**
 * Every text of the chat frame in English: the default, and the model each language follows
 * (`Texts` is this object's shape, so a language that misses a text does not compile). `{name}`
 * and `{n}` are filled in; a text with an object of plural forms is chosen by `Intl.PluralRules`.
 */
export const en = {
  minimize: 'Minimize chat',
  conversation: 'Conversation',
  messages: 'Messages',
  message: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  emoji: 'Insert emoji',
  attach: 'Attach a file',
  fileType: 'Only images (PNG, JPEG, GIF, WebP) and PDF files can be sent.',
  fileSize: 'A file can have at most 10 MB.',
  fileFailed: 'The file could not be sent. Please try again.',
  downloadFile: 'Download {name}',
  agent: 'Agent',
  anAgent: 'an agent',
  theAgent: 'The agent',
  typing: '{name} is typing…',
  sending: 'Sending…',
  notSent: 'Not sent',
  retry: 'Retry',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  waiting: 'Waiting for an agent…',
  place: 'You are number {n} in the queue',
  soon: 'less than a minute',
  minutes: { one: 'about {n} minute', other: 'about {n} minutes' },
  connected: 'Connected with {name}',
  ended: 'The conversation has ended',
  endedInactive: 'The conversation has ended after a period of inactivity',
  requeued: 'Finding another agent for you…',
  transferring: 'Finding the right colleague for you…',
  left: 'Message left — we will get back to you',
  reopened: '{name} is replying to your message',
  started: 'Conversation started',
  restart: 'Start a new conversation',
  reconnecting: 'Connection lost, reconnecting…',
  online: 'Back online',
  hidden: 'Chat is not available right now.',
  unavailable: 'The chat is unavailable right now ({name}).',
  panelFailed: 'This part of the chat could not be loaded; reopen the chat later.',
  // The leave-a-message form.
  leaveTitle: 'Leave a message',
  name: 'Name',
  email: 'Email',
  sendMessage: 'Send message',
  leftThanks: "Thanks! We'll get back to you.",
  leaveFailed: 'Your message could not be sent. Please try again.',
  nameMissing: 'Enter your name.',
  emailInvalid: 'Enter an e-mail address like name@example.com.',
  textMissing: 'Write your message.',
  // The pre-chat form.
  preChatTitle: 'Before we start',
  optional: '{name} (optional)',
  department: 'Department',
  chooseDepartment: 'Choose…',
  departmentMissing: 'Choose a department.',
  consentMissing: 'Please agree to continue.',
  startChat: 'Start chat',
  // An ended chat: rating and transcript.
  rateTitle: 'How was your chat?',
  scores: ['Poor', 'Fair', 'Good', 'Very good', 'Excellent'],
  score: '{n} of 5, {name}',
  comment: 'Comment (optional)',
  sendRating: 'Send rating',
  chooseScore: 'Choose from 1 to 5 stars.',
  alreadyRated: 'This chat has already been rated.',
  ratingFailed: 'Your rating could not be sent. Please try again.',
  rated: 'Thank you! You rated this chat {n} of 5.',
  download: 'Download transcript',
  chatWith: 'Chat with {name}',
  you: 'You',
  // The launcher on the host page.
  openChat: 'Open chat',
  closeChat: 'Close chat',
  unread: { one: '{n} unread message', other: '{n} unread messages' },
  titleUnread: { one: '({n}) New message', other: '({n}) New messages' },
};

/** A text with plural forms: `other` always, the rest as the language's plural rules need. */
export type PluralTexts = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** The shape every language fills in. */
export type Texts = {
  [K in keyof typeof en]: (typeof en)[K] extends string
    ? string
    : (typeof en)[K] extends string[]
      ? string[]
      : PluralTexts;
};
