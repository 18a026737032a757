package org.gridpacs.federation.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.security.auth.x500.X500Principal;

import org.gridpacs.pki.CertificateAuthority;
import org.gridpacs.pki.CertificateRequest;
import org.gridpacs.pki.IssuedCertificate;
import org.gridpacs.pki.KeyType;
import org.gridpacs.pki.TlsContexts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Audit messages reach a syslog collector over mutual TLS as RFC 5424 messages with RFC 5425 framing: a real TLS
 * server on a loopback port reads the octet-counted frames; the sender reconnects after the collector drops it.
 */
class SyslogTlsSenderTest {
    private static final char[] PW = "changeit".toCharArray();
    private SSLServerSocket server;
    private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private Thread acceptor;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (acceptor != null) {
            acceptor.join(5000);
        }
    }

    @Test
    void messagesArriveFramedOverMutualTlsAndAfterADrop() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(new X500Principal("CN=Audit CA"), KeyType.EC,
                Duration.ofDays(1));
        IssuedCertificate collector = ca.issue(CertificateRequest.tlsPeer(new X500Principal("CN=collector"),
                List.of("localhost", "127.0.0.1"), Duration.ofDays(1)));
        IssuedCertificate gateway = ca.issue(CertificateRequest.tlsPeer(new X500Principal("CN=FEDERATION"),
                List.of("localhost"), Duration.ofDays(1)));
        SSLContext serverCtx = TlsContexts.context(collector.keyStore("collector", PW), PW, ca.keyStore("ca", PW));
        server = (SSLServerSocket) serverCtx.getServerSocketFactory().createServerSocket(0, 5,
                InetAddress.getLoopbackAddress());
        server.setSSLParameters(TlsContexts.serverParameters(serverCtx, TlsContexts.ClientAuth.NEED));
        // the collector: reads frames; after the first connection's first frame it drops the connection
        CountDownLatch dropped = new CountDownLatch(1);
        acceptor = new Thread(() -> {
            boolean first = true;
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    while (true) {
                        received.add(readFrame(in));
                        if (first) {
                            first = false;
                            break;
                        }
                    }
                } catch (IOException e) {
                    // closed, or the client went
                } finally {
                    if (!first) {
                        dropped.countDown();
                    }
                }
            }
        }, "syslog-collector");
        acceptor.start();

        SSLContext clientCtx = TlsContexts.context(gateway.keyStore("gateway", PW), PW, ca.keyStore("ca", PW));
        AuditMessage m1 = Samples.transfer(Samples.messages(Instant.parse("2026-12-07T14:00:00.5Z")), 1, 3);
        AuditMessage m2 = Samples.transfer(Samples.messages(Instant.parse("2026-12-07T14:01:00Z")), 2, 5);
        try (SyslogTlsSender sender = new SyslogTlsSender(clientCtx, "127.0.0.1", server.getLocalPort(),
                "GridPACS", 5000)) {
            sender.record(m1);
            byte[] f1 = received.poll(10, TimeUnit.SECONDS);
            assertTrue(f1 != null, "the collector got nothing");
            assertMessage(f1, m1, "2026-12-07T14:00:00.500Z");
            // the collector dropped that connection (closed, not merely about to): the next message finds out and
            // goes on a new one; the pause lets the close reach the sender's socket
            assertTrue(dropped.await(10, TimeUnit.SECONDS), "the collector did not drop the connection");
            Thread.sleep(200);
            sender.record(m2);
            byte[] f2 = received.poll(10, TimeUnit.SECONDS);
            assertTrue(f2 != null, "the message after the drop was lost");
            assertMessage(f2, m2, "2026-12-07T14:01:00.000Z");
        }
    }

    private static void assertMessage(byte[] syslog, AuditMessage sent, String timestamp) throws IOException {
        String text = new String(syslog, StandardCharsets.UTF_8);
        String header = "<85>1 " + timestamp + " ";
        assertTrue(text.startsWith(header), text);
        String[] f = text.substring(header.length()).split(" ", 5);
        assertEquals("GridPACS", f[1]);
        assertEquals(String.valueOf(ProcessHandle.current().pid()), f[2]);
        assertEquals("IHE+RFC-3881", f[3]);
        assertTrue(f[4].startsWith("- \uFEFF<?xml"), f[4]);
        int bom = indexOf(syslog, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        byte[] xml = Arrays.copyOfRange(syslog, bom + 3, syslog.length);
        assertEquals(sent, AuditXml.read(xml));
    }

    /** RFC 5425: MSG-LEN SP SYSLOG-MSG. */
    private static byte[] readFrame(DataInputStream in) throws IOException {
        StringBuilder len = new StringBuilder();
        int c;
        while ((c = in.read()) != ' ') {
            if (c < 0) {
                throw new EOFException();
            }
            assertTrue(c >= '0' && c <= '9', "MSG-LEN must be digits");
            len.append((char) c);
        }
        byte[] msg = new byte[Integer.parseInt(len.toString())];
        in.readFully(msg);
        return msg;
    }

    private static int indexOf(byte[] a, byte[] b) {
        outer:
        for (int i = 0; i <= a.length - b.length; i++) {
            for (int j = 0; j < b.length; j++) {
                if (a[i + j] != b[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

}
