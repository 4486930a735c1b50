/**
 * Matching a batch answer back to the ids it was asked for. Services promise no order, so an answer
 * is tied to a request only when exactly one request matches it and that request matches only it;
 * every other request is left open (the caller then reads it on its own).
 */

/**
 * For each request, the index of the one answer that matches it and no other request, or -1.
 * `matches(request, answer)` must be an exact test (no prefixes).
 */
export function matchOneToOne<R, A>(requests: R[], answers: A[], matches: (r: R, a: A) => boolean): number[] {
  const byRequest = requests.map((r) => answers.flatMap((a, j) => (matches(r, a) ? [j] : [])));
  const requestsPerAnswer = answers.map((_, j) => byRequest.filter((js) => js.includes(j)).length);
  return byRequest.map((js) => (js.length === 1 && requestsPerAnswer[js[0]] === 1 ? js[0] : -1));
}
