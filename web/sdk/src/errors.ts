// Every failure a caller can act on is an UmbraError whose `name` says what to do about it
// (docs/web-sdk.md lists them). `name` survives bundling and minification, unlike `instanceof` across
// two copies of the SDK, so applications should switch on `error.name`.

export type UmbraErrorName =
  // Connecting
  | 'InvalidTokenError' //        the token is malformed, wrongly signed or for another project
  | 'TokenExpiredError' //        the token's exp has passed: mint a new one
  | 'SessionNotFoundError' //     the token's session does not exist (deleted, or wrong server)
  | 'ConnectionFailedError' //    the signaling server could not be reached, or the link dropped mid-request
  | 'NotConnectedError' //        the call needs a connected session (call connect first / again)
  | 'AlreadyConnectedError' //    connect() on a session that is connecting or connected
  | 'ResumeFailedError' //        the link dropped for longer than the resume window
  // What this connection may do
  | 'PermissionDeniedError' //    the token's role does not allow it (e.g. a subscriber publishing)
  | 'NotFoundError' //            the stream or connection is not (or no longer) in this session
  | 'ConflictError' //            already subscribed, subscribing to yourself, a duplicate stream
  | 'MediaModeError' //           the request needs the other media mode (routed vs relayed)
  | 'RouterUnavailableError' //   a routed session, but the server has no media router available
  | 'NotSimulcastError' //        setPreferredLayer on a stream that was not published with simulcast
  | 'RateLimitedError' //         too many messages; slow down and retry
  | 'MessageTooLargeError' //     a field exceeds its limit (signal type > 128 chars, data > 8 KiB …)
  | 'InvalidParameterError' //    an argument is missing, ill-typed or out of range
  | 'InvalidStateError' //        the object cannot do this now (e.g. unmuting a track it never had)
  // Media
  | 'MediaAccessDeniedError' //   the user or browser refused camera, microphone or screen access
  | 'MediaDeviceNotFoundError' // no camera/microphone matches the request
  | 'ScreenShareNotSupportedError' // getDisplayMedia is not available in this browser
  | 'NegotiationFailedError' //   SDP/ICE setup with the peer or router failed
  | 'MediaConnectionLostError' // the router closed this subscription's media path (ICE consent, DTLS): subscribe again
  | 'EndToEndEncryptionNotSupportedError' // an E2EE session in a browser without encoded transforms
  | 'EncryptionSecretRequiredError' // an E2EE session: set an encryption secret before publishing/subscribing
  | 'RequestTimeoutError' //      the server did not answer a request in time
  | 'InternalError'; //           a bug on either side; the message says which

export class UmbraError extends Error {
  override readonly name: UmbraErrorName;
  // The signaling error code when the server refused a request (docs/protocol.md section 2), else undefined.
  readonly code: string | undefined;

  constructor(name: UmbraErrorName, message: string, code?: string) {
    super(message);
    this.name = name;
    this.code = code;
  }
}

const kServerCodeToName: Record<string, UmbraErrorName> = {
  bad_request: 'InvalidParameterError',
  unknown_type: 'InternalError',
  not_joined: 'NotConnectedError',
  already_joined: 'AlreadyConnectedError',
  invalid_token: 'InvalidTokenError',
  token_expired: 'TokenExpiredError',
  session_not_found: 'SessionNotFoundError',
  resume_failed: 'ResumeFailedError',
  forbidden: 'PermissionDeniedError',
  not_found: 'NotFoundError',
  conflict: 'ConflictError',
  routed_required: 'MediaModeError',
  relayed_required: 'MediaModeError',
  router_unavailable: 'RouterUnavailableError',
  not_simulcast: 'NotSimulcastError',
  negotiation_failed: 'NegotiationFailedError',
  router_error: 'NegotiationFailedError',
  ice_restart_unsupported: 'NegotiationFailedError',
  rate_limited: 'RateLimitedError',
  message_too_large: 'MessageTooLargeError',
  internal: 'InternalError',
};

// Maps a signaling `error` message to the error a caller sees. Unknown codes (a newer server) become
// InternalError but keep their code.
export function errorFromServer(code: unknown, message: unknown): UmbraError {
  const c = typeof code === 'string' ? code : 'internal';
  const m = typeof message === 'string' && message !== '' ? message : c;
  return new UmbraError(kServerCodeToName[c] ?? 'InternalError', m, c);
}

// getUserMedia / getDisplayMedia reject with DOMExceptions; callers should not have to know their names.
export function errorFromMedia(err: unknown, what: string): UmbraError {
  const name = err instanceof Error ? err.name : '';
  const detail = err instanceof Error ? err.message : String(err);
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new UmbraError('MediaAccessDeniedError', `access to the ${what} was denied: ${detail}`);
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new UmbraError('MediaDeviceNotFoundError', `no ${what} matches the request: ${detail}`);
    case 'NotReadableError':
    case 'AbortError':
      return new UmbraError('MediaAccessDeniedError', `the ${what} could not be started: ${detail}`);
    case 'TypeError':
      return new UmbraError('InvalidParameterError', `invalid ${what} constraints: ${detail}`);
    default:
      return new UmbraError('InternalError', `the ${what} failed: ${detail}`);
  }
}

export function isUmbraError(err: unknown): err is UmbraError {
  return err instanceof UmbraError;
}
