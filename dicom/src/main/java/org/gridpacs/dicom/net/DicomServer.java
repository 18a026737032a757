package org.gridpacs.dicom.net;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLException;

import org.gridpacs.dicom.net.pdu.AAbort;
import org.gridpacs.dicom.net.pdu.AAssociateAC;
import org.gridpacs.dicom.net.pdu.AAssociateRJ;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PDataTF;
import org.gridpacs.dicom.net.pdu.Pdu;
import org.gridpacs.dicom.net.pdu.PduException;
import org.gridpacs.dicom.net.pdu.PduReader;
import org.gridpacs.dicom.net.pdu.PduWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for associations (the acceptor, SCP side). Threads are bounded: one per association up to
 * {@link NetworkSettings#maxAssociations()}, as many workers for C-FIND/C-MOVE/C-GET, two for turning
 * away requests beyond the limit with a transient A-ASSOCIATE-RJ, and one timer (ARTIM, stalled writes).
 *
 * <p>Malformed input on a connection gets an A-ABORT and closes that connection only; ARTIM bounds the whole
 * association negotiation (a client trickling its request byte by byte included), the idle timeout bounds
 * silence on an established association and writes blocked by a peer that does not read.
 */
public final class DicomServer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(DicomServer.class);

    private final NetworkSettings settings;
    private final AcceptPolicy policy;
    private final Services services;
    /** Other AE titles answered on this port, each with its own policy and services ({@link #answer}). */
    private final java.util.Map<String, Endpoint> otherAETitles = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor associationThreads;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor rejecters;
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicInteger active = new AtomicInteger();
    private final Set<Association> associations = ConcurrentHashMap.newKeySet();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private ServerSocket serverSocket;
    private Thread acceptThread;
    private volatile boolean closing;

    public DicomServer(NetworkSettings settings, AcceptPolicy policy, Services services) {
        this.settings = settings;
        this.policy = policy;
        this.services = services;
        int max = settings.maxAssociations();
        // `active` is the gate; the queue only bridges the moment between a finished association's decrement
        // and its thread becoming free again (a SynchronousQueue refused the next association in that moment).
        this.associationThreads = pool("dicom-association", max, new LinkedBlockingQueue<>());
        this.workers = pool("dicom-worker", max, new LinkedBlockingQueue<>());
        this.rejecters = pool("dicom-reject", 2, new SynchronousQueue<>());
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "dicom-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** An application entity of this port: what it accepts and who serves its requests. */
    private record Endpoint(AcceptPolicy policy, Services services) {
    }

    /**
     * Also answers {@code calledAETitle} on this port, with its own policy and services: one port, several
     * application entities (the archive's AE and the federation gateway's AE, which offer different services to
     * the same callers). An association calling this AE title is negotiated with {@code policy} (which should
     * answer to {@code calledAETitle}) and served by {@code services}; every other one by the constructor's.
     * May be called before or after {@link #start}; a later call for the same AE title replaces the earlier one.
     */
    public DicomServer answer(String calledAETitle, AcceptPolicy policy, Services services) {
        otherAETitles.put(java.util.Objects.requireNonNull(calledAETitle, "calledAETitle"),
                new Endpoint(java.util.Objects.requireNonNull(policy, "policy"),
                        java.util.Objects.requireNonNull(services, "services")));
        return this;
    }

    private static ThreadPoolExecutor pool(String name, int threads, java.util.concurrent.BlockingQueue<Runnable> queue) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, queue, r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    /** Binds to {@code port} (0: any free port) on {@code bindAddress} (null: all interfaces) and starts accepting. */
    public DicomServer start(InetAddress bindAddress, int port) throws IOException {
        serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        if (settings.socketBufferSize() > 0) {
            serverSocket.setReceiveBufferSize(settings.socketBufferSize());
        }
        serverSocket.bind(new InetSocketAddress(bindAddress, port), 128);
        acceptThread = new Thread(this::acceptLoop, "dicom-accept-" + port());
        acceptThread.start();
        if (settings.idleTimeout() > 0) {
            long period = Math.max(100, Math.min(settings.idleTimeout() / 4, 1000));
            timer.scheduleWithFixedDelay(this::abortStalledWriters, period, period, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** A peer that stops reading blocks our writes for ever (TCP has no write timeout): abort it after the idle timeout. */
    private void abortStalledWriters() {
        for (Association as : associations) {
            long stalled = as.writeStalledFor();
            if (stalled > settings.idleTimeout()) {
                LOG.warn("Association {}: the peer has not read what we sent for {} ms, aborting", as, stalled);
                as.abort();
            }
        }
    }

    /** Closes {@code s} after ARTIM unless cancelled: bounds the whole negotiation, not just each read. */
    private ScheduledFuture<?> artim(Socket s, int millis, AtomicBoolean expired) {
        if (millis <= 0) {
            return null;
        }
        return timer.schedule(() -> {
            expired.set(true);
            closeQuietly(s);
        }, millis, TimeUnit.MILLISECONDS);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closed anyway
        }
    }

    /** How long to read and discard a peer's remaining input after an A-ABORT for a protocol error. */
    static int lingerMillis(NetworkSettings settings) {
        return settings.artimTimeout() > 0 ? Math.min(settings.artimTimeout(), 1000) : 1000;
    }

    /**
     * Half-closes {@code s} after an A-ABORT and discards its input for up to {@code millis} (at most 1 MiB), so
     * the peer reads the A-ABORT and our close rather than a TCP reset, which would throw away unread data on
     * many systems. PS3.8 (AA-1, AA-8) waits for the peer to close the transport within ARTIM.
     */
    static void linger(Socket s, InputStream in, int millis) {
        try {
            try {
                s.shutdownOutput();
            } catch (IOException | UnsupportedOperationException ignored) {
                // not for every socket: just wait for the peer then
            }
            long deadline = System.nanoTime() + millis * 1_000_000L;
            byte[] b = new byte[8192];
            long total = 0;
            while (total < 1 << 20) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                s.setSoTimeout((int) left);
                int n = in.read(b);
                if (n < 0) {
                    break;
                }
                total += n;
            }
        } catch (IOException | RuntimeException ignored) {
            // timeout or reset: close now
        }
    }

    /** The port actually listened on. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Associations currently established or being negotiated. */
    public int activeAssociations() {
        return active.get();
    }

    private void acceptLoop() {
        while (!closing) {
            Socket s;
            try {
                s = serverSocket.accept();
            } catch (IOException e) {
                if (closing || serverSocket.isClosed()) {
                    return;
                }
                // for example out of file descriptors under a flood of connections: wait, do not stop listening
                LOG.error("Cannot accept connections on port {}: {}", port(), e.getMessage());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            try {
                s.setTcpNoDelay(true);
                if (settings.socketBufferSize() > 0) {
                    s.setSendBufferSize(settings.socketBufferSize());
                }
            } catch (IOException ignored) {
                // keep the defaults
            }
            if (active.incrementAndGet() > settings.maxAssociations()) {
                active.decrementAndGet();
                reject(s);
                continue;
            }
            try {
                associationThreads.execute(() -> {
                    try {
                        handle(s);
                    } finally {
                        active.decrementAndGet();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                active.decrementAndGet();
                reject(s);
            }
        }
    }

    /** Beyond the association limit: answer the request with a transient rejection (PS3.8 "local limit exceeded"). */
    private void reject(Socket s) {
        LOG.warn("Association request from {} turned away: already {} associations (the configured maximum)",
                s.getRemoteSocketAddress(), settings.maxAssociations());
        try {
            rejecters.execute(() -> {
                int limit = settings.artimTimeout() > 0 ? Math.min(settings.artimTimeout(), 5000) : 5000;
                ScheduledFuture<?> artim = artim(s, limit, new AtomicBoolean()); // also bounds the TLS handshake
                try (s) {
                    s.setSoTimeout(limit);
                    Socket ss = settings.tls() != null ? settings.tls().serverSide(s) : s;
                    ss.setSoTimeout(limit);
                    new PduReader(ss.getInputStream()).read();
                    new PduWriter(ss.getOutputStream()).write(new AAssociateRJ(AAssociateRJ.RESULT_REJECTED_TRANSIENT,
                            AAssociateRJ.SOURCE_SERVICE_PROVIDER_PRESENTATION, AAssociateRJ.REASON_LOCAL_LIMIT_EXCEEDED));
                } catch (IOException | RuntimeException ignored) {
                    // it was going away anyway
                } finally {
                    if (artim != null) {
                        artim.cancel(false);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // overloaded: just drop the connection
            }
        }
    }

    private void handle(Socket plain) {
        sockets.add(plain);
        AtomicBoolean artimExpired = new AtomicBoolean();
        ScheduledFuture<?> artim = artim(plain, settings.artimTimeout(), artimExpired);
        Socket s = plain;
        InputStream in = null;
        try {
            if (settings.tls() != null) {
                plain.setSoTimeout(settings.artimTimeout());
                s = settings.tls().serverSide(plain);
            }
            s.setSoTimeout(settings.artimTimeout());
            in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            PduReader reader = new PduReader(in);
            Pdu first = reader.read();
            if (first instanceof AAbort a) {
                // AA-2: an A-ABORT is not answered
                LOG.info("Connection from {} aborted before any association: {}", s.getRemoteSocketAddress(), a.describe());
                return;
            }
            if (!(first instanceof AAssociateRQ rq)) {
                throw new PduException(AAbort.REASON_UNEXPECTED_PDU, Pdu.typeName(first.type()) + " instead of A-ASSOCIATE-RQ");
            }
            long peerMax = rq.userInformation().maxLength();
            if (peerMax != 0 && peerMax <= PDataTF.PDV_HEADER_LENGTH) {
                throw new PduException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
                        "maximum length " + peerMax + " leaves no room for a PDV");
            }
            Endpoint endpoint = otherAETitles.getOrDefault(rq.calledAETitle(), new Endpoint(policy, services));
            String refusal = settings.tls() != null ? settings.tls().peerRefusal(s, rq.callingAETitle()) : null;
            Pdu answer;
            if (refusal != null) {
                // the certificate is not that AE's: as if the calling AE were unknown (PS3.8 9.3.4)
                LOG.warn("Association request from {} as {}: its TLS certificate does not match ({})",
                        s.getRemoteSocketAddress(), rq.callingAETitle(), refusal);
                answer = new AAssociateRJ(AAssociateRJ.RESULT_REJECTED_PERMANENT, AAssociateRJ.SOURCE_SERVICE_USER,
                        AAssociateRJ.REASON_CALLING_AE_TITLE_NOT_RECOGNIZED);
            } else {
                answer = endpoint.policy().negotiate(rq, settings.maxPduLength());
            }
            new PduWriter(s.getOutputStream()).write(answer);
            if (answer instanceof AAssociateRJ rj) {
                LOG.warn("Association request from {} ({} calling {}) rejected: {}", s.getRemoteSocketAddress(),
                        rq.callingAETitle(), rq.calledAETitle(), rj.describe());
                awaitClose(in); // ARTIM still runs: bounded
                return;
            }
            if (artim != null) {
                artim.cancel(false);
            }
            AAssociateAC ac = (AAssociateAC) answer;
            Association as = new Association(s, false, rq, ac, settings, endpoint.services(), workers, in, s.getOutputStream());
            associations.add(as);
            long accepted = ac.presentationContexts().stream().filter(pc -> pc.isAccepted()).count();
            LOG.info("Association {} -> {} from {} accepted ({} of {} presentation contexts)", rq.callingAETitle(),
                    rq.calledAETitle(), s.getRemoteSocketAddress(), accepted, ac.presentationContexts().size());
            try {
                as.serve();
            } finally {
                associations.remove(as);
                LOG.info("Association {} -> {} from {} ended: {}", rq.callingAETitle(), rq.calledAETitle(),
                        s.getRemoteSocketAddress(), as.requestSummary());
            }
        } catch (PduException e) {
            // AA-1 (PS3.8 9.2): A-ABORT, then wait (a while) for the peer to close
            LOG.warn("Invalid association request from {}: {}; sending A-ABORT", plain.getRemoteSocketAddress(), e.getMessage());
            abortAndLinger(s, in, e.toAbort());
        } catch (IOException e) {
            if (artimExpired.get() || e instanceof SocketTimeoutException) {
                LOG.warn("Connection from {} sent no complete association request within {} ms (ARTIM): closed",
                        plain.getRemoteSocketAddress(), settings.artimTimeout());
            } else if (e instanceof SSLException) {
                LOG.warn("TLS handshake with {} failed: {}", plain.getRemoteSocketAddress(), e.getMessage());
            } else if (!closing) {
                LOG.warn("Connection from {} failed during association negotiation: {}", plain.getRemoteSocketAddress(),
                        e.getMessage());
            }
        } catch (RuntimeException e) {
            // a bug of ours, or a request we did not foresee: this connection ends, the server goes on
            LOG.error("Internal error on the connection from {}: aborting it", plain.getRemoteSocketAddress(), e);
            abortAndLinger(s, in, new AAbort(AAbort.SOURCE_SERVICE_PROVIDER, AAbort.REASON_NOT_SPECIFIED));
        } finally {
            if (artim != null) {
                artim.cancel(false);
            }
            sockets.remove(plain);
            try {
                s.close();
                plain.close();
            } catch (IOException ignored) {
                // closed
            }
        }
    }

    private void abortAndLinger(Socket s, InputStream in, AAbort abort) {
        try {
            new PduWriter(s.getOutputStream()).write(abort);
            if (in != null) {
                linger(s, in, lingerMillis(settings));
            }
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** After a rejection the requester closes the connection (PS3.8 9.1.4); wait for that, up to ARTIM. */
    private static void awaitClose(InputStream in) {
        try {
            while (in.read() >= 0) {
                // discard
            }
        } catch (IOException ignored) {
            // timeout or reset: close now
        }
    }

    /** Stops accepting, aborts the associations in progress and stops the threads. */
    @Override
    public void close() {
        closing = true;
        try {
            if (serverSocket != null) {
                serverSocket.close();
            }
        } catch (IOException ignored) {
            // closing
        }
        for (Association as : associations) {
            as.abort();
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        associationThreads.shutdown();
        workers.shutdownNow();
        rejecters.shutdownNow();
        timer.shutdownNow();
        try {
            associationThreads.awaitTermination(5, TimeUnit.SECONDS);
            if (acceptThread != null) {
                acceptThread.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
