package org.gridpacs.gateway.cluster;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;

/**
 * New associations through the load balancer, one after the other, each with a C-ECHO and short timeouts, as a
 * client that wants to know quickly whether the cluster answers: what it saw, attempt by attempt.
 */
final class Probe implements Runnable {
    /** One attempt: when it started (ns, System.nanoTime), how long it took, and its error (null: success). */
    record Attempt(long startNanos, long millis, String error) {
        boolean ok() {
            return error == null;
        }
    }

    /** Short enough to see each second of an outage, long enough for a loaded 2-core machine. */
    static final NetworkSettings SHORT = NetworkSettings.DEFAULT.withTimeouts(500, 2000, 5000, 2000);

    private final int port;
    private final long pauseMillis;
    private final List<Attempt> attempts = new ArrayList<>();
    private volatile boolean stop;

    Probe(int port, long pauseMillis) {
        this.port = port;
        this.pauseMillis = pauseMillis;
    }

    /** One C-ECHO on a new association to {@code port}; null on success, else what went wrong. */
    static String echo(int port, NetworkSettings settings) {
        AAssociateRQ rq = new AAssociateRQ("PROBE", ClusterProcesses.AET);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.Verification, UID.ImplicitVRLittleEndian));
        try (Association as = new Connector(settings).connect(ClusterProcesses.HOST, port, rq, null)) {
            DimseResponse rsp = as.echo();
            if (rsp.status() != Status.SUCCESS) {
                return "C-ECHO status " + rsp.describe();
            }
            as.release();
            return null;
        } catch (IOException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public void run() {
        while (!stop && !Thread.currentThread().isInterrupted()) {
            long t = System.nanoTime();
            String error = echo(port, SHORT);
            synchronized (attempts) {
                attempts.add(new Attempt(t, (System.nanoTime() - t) / 1_000_000, error));
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void stop() {
        stop = true;
    }

    List<Attempt> attempts() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    /** The attempts that started at or after {@code fromNanos}. */
    List<Attempt> since(long fromNanos) {
        List<Attempt> r = new ArrayList<>();
        for (Attempt a : attempts()) {
            if (a.startNanos() >= fromNanos) {
                r.add(a);
            }
        }
        return r;
    }
}
