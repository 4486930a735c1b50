/**
 * The error a declaration's mistakes throw (every problem found, each with its field), and the
 * fetch image this version of the package was released with. Imported from `secret-mount`.
 * @module Errors and the fetch image
 */
export { DeclarationError, type DeclarationProblem } from "../../components/core/declaration-error";
export {
  RELEASED_FETCH_IMAGE,
  defaultFetchImage,
  type FetchImageRecord,
} from "../../components/kubernetes/fetch-image";
