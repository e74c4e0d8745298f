// The API version of a request (`X-Avi-Version`), and its echo in the `AVI_API_VERSION` response
// header. Parsed versions are kept in a small map: clients send the same few values on every
// request, so the hot path costs one map lookup.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseApiVersion, type ApiVersion } from '../domain/versioning/index.js';

/** The response header echoing the request's version (dots, as the client sent it). */
export const VERSION_RESPONSE_HEADER = 'AVI_API_VERSION';

/** Most distinct header values remembered; beyond that, values are parsed on every request. */
const MAX_CACHED = 64;

export class ApiVersions {
  private readonly cache = new Map<string, ApiVersion>();
  private readonly fallback: ApiVersion;

  /**
   * `controllerVersion`: the newest version accepted; `defaultVersion`: the version of a request
   * without the header (both from the configuration, both valid).
   */
  constructor(
    private readonly controllerVersion: string,
    private readonly defaultVersion: string,
  ) {
    this.fallback = parseApiVersion(undefined, controllerVersion, defaultVersion);
  }

  /**
   * The version of `request`, after setting `AVI_API_VERSION` on `reply` (the header as sent,
   * trimmed; the default version when there is none). A malformed header, or a version newer
   * than the controller's, is a 400 whose text contains `Invalid version`.
   */
  of(request: FastifyRequest, reply: FastifyReply): ApiVersion {
    const raw = request.headers['x-avi-version'];
    const text = (Array.isArray(raw) ? raw.join(', ') : raw)?.trim();
    if (text === undefined || text === '') {
      reply.header(VERSION_RESPONSE_HEADER, this.defaultVersion);
      return this.fallback;
    }
    let version = this.cache.get(text);
    if (version === undefined) {
      version = parseApiVersion(text, this.controllerVersion, this.defaultVersion);
      if (this.cache.size < MAX_CACHED) this.cache.set(text, version);
    }
    // Only a parsed version reaches here: digits and dots, safe as a header value.
    reply.header(VERSION_RESPONSE_HEADER, text);
    return version;
  }
}
