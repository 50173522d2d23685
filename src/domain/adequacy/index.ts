export {
  ADEQUACY_AS_OF,
  ADEQUACY_DECISIONS,
  type AdequacyDecision,
  type AdequacyScope,
} from './decisions.js';
export { adequacyDecision, transferStatus, type TransferStatus } from './transfer-status.js';
