import type { MailMessage } from '../../platform/mail/mailer.js';

/**
 * The two messages sign-up sends. Whoever signs up chooses the recipient, so neither carries
 * free text that person typed (a workspace name could be an advertisement or a phishing line):
 * only the slug, whose alphabet is [a-z0-9-].
 */
export function confirmSignUpMail(to: string, slug: string, link: string, hours: number): MailMessage {
  return {
    to,
    subject: 'Confirm your address to create your subreg workspace',
    text: [
      `Someone, hopefully you, asked to create the subreg workspace "${slug}" with this address.`,
      '',
      `To confirm your address and create the workspace, open this link within ${hours} hours:`,
      '',
      link,
      '',
      'The link works once. If you did not ask for this, ignore this message: nothing is created.',
    ].join('\n'),
  };
}

export function alreadyRegisteredMail(
  to: string,
  baseUrl: string,
  resetLink: string,
  minutes: number,
): MailMessage {
  return {
    to,
    subject: 'You already have a subreg account',
    text: [
      'Someone, hopefully you, tried to sign up to subreg with this address.',
      'You already have an account, so nothing was created.',
      '',
      `Sign in at ${baseUrl} with this address and your password, and create the workspace from there.`,
      `If you do not remember your password, set a new one with this link (it works once, for ${minutes} minutes):`,
      '',
      resetLink,
      '',
      'If this was not you, ignore this message: your account has not changed.',
    ].join('\n'),
  };
}

export function resetPasswordMail(to: string, link: string, minutes: number): MailMessage {
  return {
    to,
    subject: 'Set a new subreg password',
    text: [
      'Someone, hopefully you, asked to set a new password for the subreg account of this address.',
      '',
      `Open this link within ${minutes} minutes to choose it (the link works once):`,
      '',
      link,
      '',
      'If this was not you, ignore this message: your password has not changed.',
    ].join('\n'),
  };
}

export function noAccountMail(to: string, baseUrl: string): MailMessage {
  return {
    to,
    subject: 'No subreg account uses this address',
    text: [
      'Someone, hopefully you, asked to set a new subreg password for this address,',
      'but no account uses it. If you have an account, it is under another address.',
      '',
      `To create a workspace, sign up at ${baseUrl} (POST /api/v1/auth/signup).`,
      '',
      'If this was not you, ignore this message.',
    ].join('\n'),
  };
}
