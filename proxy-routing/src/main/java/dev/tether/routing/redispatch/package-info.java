/**
 * Whether, and where, a failed attempt to forward a request is tried again. Pure decisions; the exchange in
 * proxy-core asks and obeys.
 *
 * <pre>
 *   facts   = ExchangeFacts.beforeSending(method, bodyReplayable)
 *   history = AttemptHistory.EMPTY
 *   decision = Router.route(...)                                   -- Forward(server) or Reject(status)
 *   loop:
 *     attempt on decision.server()
 *       first request byte written      -> facts = facts.withRequestBytesWritten()
 *       first response byte to client   -> facts = facts.withResponseStarted()
 *     on failure (NettyFailures -> FailureKind; a held 5xx head -> Attempt.status(id, code)):
 *       failed = Attempt.failed(server.id(), kind)
 *       d = policy.decide(facts, history, failed);  history = history.append(failed)
 *       RetrySame(delay)  -> after delay, same server, new connection            (loop)
 *       TryAnother(avoid) -> Router.reroute(request, table, forward, avoid)
 *                              Forward -> new server, cookie re-set              (loop)
 *                              Reject  -> policy.noOtherServer(failed, server still usable?)
 *                                           RetrySame -> same server             (loop)
 *                                           GiveUp(503)
 *       GiveUp(status)    -> before a response started: send status (a held 5xx: pass it on);
 *                            after: close the client connection
 * </pre>
 *
 * <p>{@code facts} are per attempt: a retry starts with nothing written, so the exchange resets
 * {@code requestBytesWritten} for each new attempt, while {@code responseStarted} never goes back.
 */
package dev.tether.routing.redispatch;
