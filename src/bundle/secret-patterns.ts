/**
 * Well-known token formats, vendored from gitleaks' maintained rule set
 * (https://github.com/gitleaks/gitleaks, config/gitleaks.toml at
 * v8.30.0-27-gb58d3f10, commit b58d3f102cf3a2c84cb7f923d05c25c9b1aed84b,
 * MIT License, Copyright (c) 2019 Zachary Rice). Each entry keeps the rule's
 * gitleaks id and its regex (Go RE2 syntax translated to JavaScript: an inline
 * `(?i)` became the `i` flag). Only formats with a fixed, recognisable prefix
 * are taken — they match free text with next to no false positives; the
 * generic "api key = value" rule is covered by netdoctor's own name rules.
 *
 * To update: copy the regexes of these ids from a newer gitleaks.toml and
 * bump the version above.
 */

/** One vendored rule: the gitleaks id and a global regex whose whole match (or group 1, when present) is the secret. */
export interface SecretPattern {
  id: string;
  re: RegExp;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { id: "aws-access-token", re: /\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b/g },
  { id: "github-pat", re: /ghp_[0-9a-zA-Z]{36}/g },
  { id: "github-fine-grained-pat", re: /github_pat_\w{82}/g },
  { id: "github-oauth", re: /gho_[0-9a-zA-Z]{36}/g },
  { id: "github-app-token", re: /(?:ghu|ghs)_[0-9a-zA-Z]{36}/g },
  { id: "github-refresh-token", re: /ghr_[0-9a-zA-Z]{36}/g },
  { id: "gitlab-pat", re: /glpat-[\w-]{20}/g },
  { id: "npm-access-token", re: /\b(npm_[a-z0-9]{36})(?=[`'"\s;]|\\[nr]|$)/gi },
  { id: "slack-bot-token", re: /xoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*/g },
  { id: "slack-user-token", re: /xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}/g },
  { id: "slack-app-token", re: /xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+/gi },
  { id: "stripe-access-token", re: /\b((?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99})(?=[`'"\s;]|\\[nr]|$)/g },
];
