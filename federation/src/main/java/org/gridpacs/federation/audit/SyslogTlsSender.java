package org.gridpacs.federation.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.gridpacs.pki.TlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends audit messages to a syslog collector (an IHE ATNA Audit Record Repository): each message an RFC 5424
 * syslog message, over TLS with RFC 5425's octet-counting framing ({@code MSG-LEN SP SYSLOG-MSG}). As IHE ITI TF-2
 * 3.20 asks: PRI 85 (facility 10 security/authorization, severity 5 notice), MSGID {@code IHE+RFC-3881}, the XML
 * as MSG (UTF-8, with its BOM as RFC 5424 6.4 marks UTF-8 text).
 *
 * <p>One connection, opened at the first message and again after a failure (one retry per message). A message the
 * collector cannot take is not queued here: the local log ({@link AuditLog}) has it, and the failure is logged.
 */
public final class SyslogTlsSender implements AuditTrail, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyslogTlsSender.class);
    /** facility 10 (security/authorization messages) * 8 + severity 5 (notice). */
    static final int PRI = 85;
    static final String MSGID = "IHE+RFC-3881";
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

    private final SSLContext tls;
    private final String host;
    private final int port;
    private final String appName;
    private final int connectTimeoutMillis;
    private final String hostName;
    private final String procId;
    private SSLSocket socket;
    private OutputStream out;

    public SyslogTlsSender(SSLContext tls, String host, int port, String appName, int connectTimeoutMillis) {
        this.tls = tls;
        this.host = host;
        this.port = port;
        this.appName = field(appName, 48);
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.hostName = field(localHostName(), 255);
        this.procId = String.valueOf(ProcessHandle.current().pid());
    }

    /** The sender of the settings' collector: TLS with its trust store and, when given, our client certificate. */
    public static SyslogTlsSender of(AuditSettings.Syslog s) throws IOException, GeneralSecurityException {
        SSLContext ctx = TlsContexts.context(s.keyStore(), password(s.keyStorePasswordFile()), s.trustStore(),
                password(s.trustStorePasswordFile()));
        return new SyslogTlsSender(ctx, s.host(), s.port(), s.appName(), s.connectTimeoutMillis());
    }

    @Override
    public synchronized void record(AuditMessage message) {
        byte[] frame = frame(message);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                if (out != null && peerClosed()) {
                    closeQuietly();
                }
                if (out == null) {
                    connect();
                }
                out.write(frame);
                out.flush();
                return;
            } catch (IOException e) {
                closeQuietly();
                if (attempt == 1) {
                    LOG.error("Audit: syslog collector {}:{} did not take a {} message (it is in the local log): {}",
                            host, port, message.event().eventId().originalText(), e.toString());
                }
            }
        }
    }

    /** RFC 5425 framing of the RFC 5424 message. */
    byte[] frame(AuditMessage message) {
        String header = "<" + PRI + ">1 " + TIMESTAMP.format(message.time().atOffset(ZoneOffset.UTC)) + " "
                + hostName + " " + appName + " " + procId + " " + MSGID + " - ";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        byte[] xml = AuditXml.write(message);
        int length = h.length + BOM.length + xml.length;
        byte[] prefix = (length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + length];
        int at = 0;
        for (byte[] part : new byte[][] {prefix, h, BOM, xml}) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    /**
     * Whether the collector closed the connection (its close_notify or FIN is waiting): a write to such a
     * connection succeeds locally and the message is lost, as syslog over TCP has no acknowledgement. A read with
     * a 1 ms timeout finds out; it narrows the window, it cannot close it (RFC 5425 has no application ack).
     */
    private boolean peerClosed() {
        try {
            int timeout = socket.getSoTimeout();
            socket.setSoTimeout(1);
            try {
                return socket.getInputStream().read() < 0;
            } finally {
                socket.setSoTimeout(timeout);
            }
        } catch (java.net.SocketTimeoutException e) {
            return false; // nothing to read: still open
        } catch (IOException e) {
            return true;
        }
    }

    private void connect() throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        try {
            s.setSSLParameters(TlsContexts.clientParameters(tls, false));
            s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            s.setSoTimeout(30_000);
            s.startHandshake();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        out = s.getOutputStream();
    }

    private void closeQuietly() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException e) {
            // closing a broken connection
        }
        socket = null;
        out = null;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }

    /** RFC 5424 header fields are printable US-ASCII without spaces, "-" when empty. */
    private static String field(String s, int max) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c > 32 && c < 127 ? c : '_');
        }
        return b.length() > max ? b.substring(0, max) : b.toString();
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "-";
        }
    }

    private static char[] password(Path file) throws IOException {
        if (file == null) {
            return null;
        }
        String first = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
        return first.trim().toCharArray();
    }
}
