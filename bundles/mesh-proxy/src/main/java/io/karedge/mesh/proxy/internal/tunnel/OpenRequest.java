package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * What an OPEN frame asks for: a connection to one endpoint of one Service port, reached by the node
 * that receives it (or, with {@code relayTo}, by that node through the receiver).
 *
 * <p>Payload: {@code transport u8 (0 tcp, 1 udp) | namespace string | service string | service port u16 |
 * endpoint ip string | endpoint port u16 | relay-to node string (empty: the receiver itself)}.
 *
 * @param udp whether the stream carries datagrams (length-prefixed records) rather than a byte stream
 */
public record OpenRequest(boolean udp, String namespace, String service, int servicePort, String endpointIp,
                   int endpointPort, String relayTo) {

    public static OpenRequest tcp(String namespace, String service, int servicePort, String endpointIp, int endpointPort) {
        return new OpenRequest(false, namespace, service, servicePort, endpointIp, endpointPort, "");
    }

    /** @return the same request, to be forwarded by a relay to {@code node} */
    OpenRequest via(String node) {
        return new OpenRequest(udp, namespace, service, servicePort, endpointIp, endpointPort, node);
    }

    /** @return the request as the relay forwards it: addressed to the final node itself */
    OpenRequest relayed() {
        return new OpenRequest(udp, namespace, service, servicePort, endpointIp, endpointPort, "");
    }

    Frame encode(ByteBufAllocator alloc, int streamId) {
        ByteBuf out = alloc.buffer(128);
        out.writeByte(udp ? 1 : 0);
        Wire.writeString(out, namespace);
        Wire.writeString(out, service);
        out.writeShort(servicePort);
        Wire.writeString(out, endpointIp);
        out.writeShort(endpointPort);
        Wire.writeString(out, relayTo);
        return new Frame(FrameType.OPEN, streamId, out);
    }

    static OpenRequest decode(ByteBuf in) {
        int transport = Wire.readUnsignedByte(in, "OPEN transport");
        if (transport > 1) {
            throw new TunnelProtocolException("OPEN with transport " + transport);
        }
        String namespace = Wire.readString(in, "OPEN namespace");
        String service = Wire.readString(in, "OPEN service");
        int servicePort = Wire.readUnsignedShort(in, "OPEN service port");
        String endpointIp = Wire.readString(in, "OPEN endpoint");
        int endpointPort = Wire.readUnsignedShort(in, "OPEN endpoint port");
        String relayTo = Wire.readString(in, "OPEN relay-to");
        Wire.end(in, "OPEN");
        return new OpenRequest(transport == 1, namespace, service, servicePort, endpointIp, endpointPort, relayTo);
    }

    @Override
    public String toString() {
        return (udp ? "udp " : "tcp ") + namespace + "/" + service + ":" + servicePort + " -> " + endpointIp + ":"
                + endpointPort + (relayTo.isEmpty() ? "" : " via " + relayTo);
    }
}
