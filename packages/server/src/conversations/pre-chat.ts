import type { PreChatAnswers } from '@hovor/protocol';
import type { PreChatSettings } from '../db/collections.js';
import { AppError } from '../errors.js';

/**
 * [P20] The pre-chat form's answers against what the site asks: required fields given, the
 * consent ticked when there is a text, one of the site's departments chosen when it offers them.
 * BAD_REQUEST names what is missing.
 */
export async function checkPreChat(
  form: PreChatSettings,
  departmentsOfSite: () => Promise<ReadonlyArray<{ id: string }>>,
  departmentId: string | undefined,
  about: PreChatAnswers | undefined,
): Promise<void> {
  const refuse = (what: string) => {
    throw new AppError('BAD_REQUEST', `The pre-chat form needs ${what}`);
  };
  if (form.name === 'required' && !about?.name?.trim()) refuse('the name');
  if (form.email === 'required' && !about?.email) refuse('the e-mail');
  if (form.consent && about?.consent !== true) refuse('the consent');
  if (form.department) {
    const offered = await departmentsOfSite();
    if (offered.length > 0 && !offered.some((d) => d.id === departmentId)) refuse('one of the departments');
  }
}
