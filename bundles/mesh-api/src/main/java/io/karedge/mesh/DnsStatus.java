package io.karedge.mesh;

import java.util.List;

/**
 * The DNS responder.
 *
 * @param enabled    whether it is configured to run
 * @param address    its configured address and port ({@code 127.0.0.1:10053})
 * @param listening  whether its UDP socket is bound
 * @param error      why it is not listening ({@code ""} when it is)
 * @param upstreams  where names outside the mesh are forwarded (empty: not forwarded)
 * @param queries    well-formed queries received
 * @param answered   queries answered from the mesh (including empty answers for other record types)
 * @param nxdomain   queries answered with NXDOMAIN
 * @param forwarded  queries forwarded upstream
 * @param refused    queries answered with REFUSED (not a mesh name and no upstream)
 * @param upstreamFailures forwarded queries with no upstream answer in time
 * @param malformed  packets that were not a decodable DNS query (ignored)
 */
public record DnsStatus(boolean enabled, String address, boolean listening, String error, List<String> upstreams,
                        long queries, long answered, long nxdomain, long forwarded, long refused,
                        long upstreamFailures, long malformed) {

    public DnsStatus {
        error = error == null ? "" : error;
        upstreams = List.copyOf(upstreams);
    }
}
