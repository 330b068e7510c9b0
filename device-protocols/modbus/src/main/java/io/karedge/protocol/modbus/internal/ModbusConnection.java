package io.karedge.protocol.modbus.internal;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.io.ModbusTCPTransaction;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.net.TCPMasterConnection;
import java.net.InetAddress;

/**
 * The one TCP connection of a device, opened on first use and again after any I/O failure. One request at a
 * time (the handler's calls are never concurrent); {@link #close()} may come from another thread at any time
 * and makes a request in progress fail soon, because it closes the socket without taking any lock.
 */
final class ModbusConnection implements AutoCloseable {

    /** An I/O failure: the connection is gone (it has been dropped and will be opened again next time). */
    static final class ConnectionFailure extends Exception {
        private static final long serialVersionUID = 1L;

        ConnectionFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ModbusEndpoint endpoint;
    private volatile TCPMasterConnection connection;
    private ModbusTCPTransaction transaction;
    private volatile boolean closed;
    private final Runnable reconnected;
    private boolean connectedBefore;

    /** @param reconnected run after a connection was opened again, once one had been open before */
    ModbusConnection(ModbusEndpoint endpoint, Runnable reconnected) {
        this.endpoint = endpoint;
        this.reconnected = reconnected;
    }

    ModbusConnection(ModbusEndpoint endpoint) {
        this(endpoint, () -> { });
    }

    /**
     * Sends one request to the device's unit and waits for the answer, at most the endpoint's timeout (plus
     * the connect time, also bounded by it, when the connection has to be opened).
     *
     * @throws ModbusSlaveException if the device answered with a Modbus exception (bad address, bad value)
     * @throws ConnectionFailure    if the device cannot be reached or did not answer in time
     */
    ModbusResponse execute(ModbusRequest request) throws ModbusSlaveException, ConnectionFailure {
        TCPMasterConnection open = open();
        request.setUnitID(endpoint.unitId());
        transaction.setRequest(request);
        try {
            transaction.execute();
        } catch (ModbusSlaveException e) {
            return failIfClosed(open, e);
        } catch (ModbusException | RuntimeException e) {
            drop(open);
            throw new ConnectionFailure(closed ? "connection closed" : endpoint + ": " + message(e), e);
        }
        ModbusResponse response = transaction.getResponse();
        if (closed) {
            drop(open);
            throw new ConnectionFailure("connection closed", null);
        }
        return response;
    }

    private ModbusResponse failIfClosed(TCPMasterConnection open, ModbusSlaveException e)
            throws ModbusSlaveException, ConnectionFailure {
        if (closed) {
            drop(open);
            throw new ConnectionFailure("connection closed", e);
        }
        throw e;
    }

    private TCPMasterConnection open() throws ConnectionFailure {
        if (closed) {
            throw new ConnectionFailure("connection closed", null);
        }
        TCPMasterConnection current = connection;
        if (current != null && current.isConnected()) {
            return current;
        }
        drop(current);
        try {
            TCPMasterConnection fresh = new TCPMasterConnection(InetAddress.getByName(endpoint.host()));
            fresh.setPort(endpoint.port());
            fresh.setTimeout(endpoint.timeoutMillis());
            fresh.connect();
            ModbusTCPTransaction tx = new ModbusTCPTransaction(fresh);
            // one attempt per request: the device manager's cycle is the retry, and a dead device must not
            // hold the thread for several timeouts
            tx.setRetries(1);
            tx.setReconnecting(false);
            transaction = tx;
            connection = fresh;
            if (closed) {
                drop(fresh);
                throw new ConnectionFailure("connection closed", null);
            }
            if (connectedBefore) {
                reconnected.run();
            }
            connectedBefore = true;
            return fresh;
        } catch (ConnectionFailure e) {
            throw e;
        } catch (Exception e) {
            throw new ConnectionFailure(connectFailure(e), e);
        }
    }

    private void drop(TCPMasterConnection which) {
        if (which == null) {
            return;
        }
        if (connection == which) {
            connection = null;
        }
        try {
            which.close();
        } catch (RuntimeException e) {
            // closing a broken socket: nothing left to do
        }
    }

    /** Closes the socket; idempotent, does not block. */
    @Override
    public void close() {
        closed = true;
        drop(connection);
    }

    /** "connection refused by …" when the port is closed; "cannot connect to …: why" otherwise. */
    private String connectFailure(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                String text = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
                if (text.contains("refused")) {
                    return "connection refused by " + endpoint.host() + ":" + endpoint.port();
                }
            }
        }
        return "cannot connect to " + endpoint + ": " + message(e);
    }

    static String message(Throwable e) {
        Throwable shown = e;
        while (shown.getCause() != null && (shown.getMessage() == null || shown.getMessage().isBlank())) {
            shown = shown.getCause();
        }
        String text = shown.getMessage();
        return text == null || text.isBlank() ? shown.getClass().getSimpleName() : text;
    }
}
