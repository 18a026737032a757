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
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLException;

import org.gridpacs.dicom.net.pdu.AAbort;
import org.gridpacs.dicom.net.pdu.AAssociateAC;
import org.gridpacs.dicom.net.pdu.AAssociateRJ;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.Pdu;
import org.gridpacs.dicom.net.pdu.PduException;
import org.gridpacs.dicom.net.pdu.PduReader;
import org.gridpacs.dicom.net.pdu.PduWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for associations (the acceptor, SCP side). Threads are bounded: one per association up to
 * {@link NetworkSettings#maxAssociations()}, as many workers for C-FIND/C-MOVE/C-GET, and two for turning
 * away requests beyond the limit with a transient A-ASSOCIATE-RJ.
 */
public final class DicomServer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(DicomServer.class);

    private final NetworkSettings settings;
    private final AcceptPolicy policy;
    private final Services services;
    private final ThreadPoolExecutor associationThreads;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor rejecters;
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
        this.associationThreads = pool("dicom-association", max, new SynchronousQueue<>());
        this.workers = pool("dicom-worker", max, new LinkedBlockingQueue<>());
        this.rejecters = pool("dicom-reject", 2, new SynchronousQueue<>());
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
        return this;
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
                if (!closing) {
                    LOG.error("Cannot accept connections on port {}: {}", port(), e.getMessage());
                }
                return;
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
                try (s) {
                    Socket ss = settings.tls() != null ? settings.tls().serverSide(s) : s;
                    ss.setSoTimeout(Math.min(settings.artimTimeout(), 5000));
                    new PduReader(ss.getInputStream()).read();
                    new PduWriter(ss.getOutputStream()).write(new AAssociateRJ(AAssociateRJ.RESULT_REJECTED_TRANSIENT,
                            AAssociateRJ.SOURCE_SERVICE_PROVIDER_PRESENTATION, AAssociateRJ.REASON_LOCAL_LIMIT_EXCEEDED));
                } catch (IOException ignored) {
                    // it was going away anyway
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
        Socket s = plain;
        try {
            if (settings.tls() != null) {
                plain.setSoTimeout(settings.artimTimeout());
                s = settings.tls().serverSide(plain);
            }
            s.setSoTimeout(settings.artimTimeout());
            InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            PduReader reader = new PduReader(in);
            Pdu first = reader.read();
            if (!(first instanceof AAssociateRQ rq)) {
                LOG.warn("Connection from {} did not start with A-ASSOCIATE-RQ but {}: aborted", s.getRemoteSocketAddress(),
                        first.getClass().getSimpleName());
                new PduWriter(s.getOutputStream()).write(new AAbort(AAbort.SOURCE_SERVICE_PROVIDER, AAbort.REASON_UNEXPECTED_PDU));
                return;
            }
            Pdu answer = policy.negotiate(rq, settings.maxPduLength());
            new PduWriter(s.getOutputStream()).write(answer);
            if (answer instanceof AAssociateRJ rj) {
                LOG.warn("Association request from {} ({} calling {}) rejected: {}", s.getRemoteSocketAddress(),
                        rq.callingAETitle(), rq.calledAETitle(), rj.describe());
                awaitClose(in);
                return;
            }
            AAssociateAC ac = (AAssociateAC) answer;
            Association as = new Association(s, false, rq, ac, settings, services, workers, in, s.getOutputStream());
            associations.add(as);
            long accepted = ac.presentationContexts().stream().filter(pc -> pc.isAccepted()).count();
            LOG.info("Association {} -> {} from {} accepted ({} of {} presentation contexts)", rq.callingAETitle(),
                    rq.calledAETitle(), s.getRemoteSocketAddress(), accepted, ac.presentationContexts().size());
            try {
                as.serve();
            } finally {
                associations.remove(as);
                LOG.info("Association {} -> {} from {} ended", rq.callingAETitle(), rq.calledAETitle(),
                        s.getRemoteSocketAddress());
            }
        } catch (PduException e) {
            LOG.warn("Invalid association request from {}: {}; sending A-ABORT", plain.getRemoteSocketAddress(), e.getMessage());
            try {
                new PduWriter(s.getOutputStream()).write(e.toAbort());
            } catch (IOException ignored) {
                // best effort
            }
        } catch (SocketTimeoutException e) {
            LOG.warn("Connection from {} sent no association request within {} ms (ARTIM): closed",
                    plain.getRemoteSocketAddress(), settings.artimTimeout());
        } catch (SSLException e) {
            LOG.warn("TLS handshake with {} failed: {}", plain.getRemoteSocketAddress(), e.getMessage());
        } catch (IOException e) {
            if (!closing) {
                LOG.warn("Connection from {} failed during association negotiation: {}", plain.getRemoteSocketAddress(),
                        e.getMessage());
            }
        } finally {
            sockets.remove(plain);
            try {
                s.close();
                plain.close();
            } catch (IOException ignored) {
                // closed
            }
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
