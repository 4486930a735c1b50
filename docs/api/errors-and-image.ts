/**
 * The error every declaration mistake throws, and the fetch image this version of the package
 * was released with. Imported from `secret-mount`.
 * @module Errors and the fetch image
 */
export { DeclarationError } from "../../components/core/declaration-error";
export { RELEASED_FETCH_IMAGE, defaultFetchImage, type FetchImageRecord } from "../../components/kubernetes/fetch-image";
