package org.gridpacs.replication.transfer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.gridpacs.replication.config.ClusterNode;

/**
 * One blocking HTTP/1.1 connection to a peer's /peer/ connector (TLS with this node's certificate, or plain), for
 * the one request whose body the storing thread writes itself as the instance arrives: a streamed copy. The
 * general-purpose client hands each piece of a streamed body through several threads before it reaches the socket,
 * and on a busy machine each hand-off costs a scheduling delay, so the copy fell tens of milliseconds behind the
 * local one; here a write is a write on the socket. Request bodies are sent chunked (the size is not known in
 * advance); the peer's answers are short.
 */
final class PeerConnection implements AutoCloseable {
    private static final byte[] CRLF = {'\r', '\n'};

    /** A peer's answer: status, headers (names in lower case) and body text. */
    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final ClusterNode peer;
    private final Socket socket;
    /** The TCP socket under a TLS one (the same socket for plain HTTP): closed first when cutting off. */
    private final Socket raw;
    private final OutputStream out;
    private final InputStream in;
    private boolean reusable = true;
    private long idleSince;

    private PeerConnection(ClusterNode peer, Socket socket, Socket raw) throws IOException {
        this.peer = peer;
        this.socket = socket;
        this.raw = raw;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        this.in = new BufferedInputStream(socket.getInputStream(), 8 * 1024);
    }

    /** Connects (and for TLS completes the handshake: the peer's certificate must name {@code peer.host()}). */
    static PeerConnection open(ClusterNode peer, SSLContext tls, SSLParameters parameters, int connectMillis)
            throws IOException {
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true); // whole chunks are written at once: nothing to gain from Nagle, only waits
            plain.connect(new InetSocketAddress(peer.host(), peer.peerPort()), connectMillis);
            if (tls == null) {
                return new PeerConnection(peer, plain, plain);
            }
            SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, peer.host(), peer.peerPort(), true);
            s.setSSLParameters(parameters);
            plain.setSoTimeout(connectMillis);
            s.startHandshake();
            plain.setSoTimeout(0);
            return new PeerConnection(peer, s, plain);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    ClusterNode peer() {
        return peer;
    }

    /** Sends a request line and headers for a body that follows in chunks ({@link #writeChunk}, {@link #endBody}). */
    void beginChunked(String method, String path, Map<String, String> headers) throws IOException {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(peer.host()).append(':').append(peer.peerPort()).append("\r\n")
                .append("Transfer-Encoding: chunked\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    void writeChunk(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return; // a zero-length chunk would end the body
        }
        out.write(Integer.toHexString(len).getBytes(StandardCharsets.ISO_8859_1));
        out.write(CRLF);
        out.write(b, off, len);
        out.write(CRLF);
    }

    /** The last chunk: the body is complete and goes out now. */
    void endBody() throws IOException {
        out.write(new byte[] {'0', '\r', '\n', '\r', '\n'});
        out.flush();
    }

    /** Reads the answer, waiting at most {@code millis} for each read; the connection can serve again afterwards. */
    Answer readAnswer(long millis) throws IOException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, millis)));
        String status = line();
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("node " + peer.name() + " answered with something other than HTTP: " + status);
        }
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("node " + peer.name() + " answered with a bad status line: " + status);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = chunkedBody();
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readAllBytes(); // ends with the connection
            reusable = false;
        }
        if ("close".equalsIgnoreCase(headers.get("connection"))) {
            reusable = false;
        }
        socket.setSoTimeout(0);
        return new Answer(code, headers, new String(body, StandardCharsets.UTF_8));
    }

    private byte[] chunkedBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line();
            int semicolon = size.indexOf(';');
            int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (n == 0) {
                while (!line().isEmpty()) {
                    // trailers: none are used
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(n));
            line();
        }
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("node " + peer.name() + " closed the connection before it answered");
            }
            if (c != '\r') {
                s.append((char) c);
            }
            if (s.length() > 8192) {
                throw new IOException("node " + peer.name() + " sent a header line longer than 8 KiB");
            }
        }
        return s.toString();
    }

    /** Whether this connection may carry another request (the last answer was read whole, nothing failed). */
    boolean reusable() {
        return reusable && !socket.isClosed();
    }

    void idle(long now) {
        idleSince = now;
    }

    long idleSince() {
        return idleSince;
    }

    /**
     * Closes at once; a body in progress is cut off (the peer's store then keeps nothing). The TCP socket goes first:
     * a TLS close would write its closing message, and block on a peer that stopped reading.
     */
    @Override
    public void close() {
        reusable = false;
        try {
            raw.close();
            socket.close();
        } catch (IOException e) {
            // closing: nothing more to do
        }
    }
}
