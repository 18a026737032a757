package org.gridpacs.federation.retrieve;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.archive.store.StoreException;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.io.Transcoder;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseRequest;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.Handlers;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.federation.audit.TransferAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C-STORE SCP of our C-GET association to the site that holds the instances: each instance goes on to the target
 * (the move destination's association, or the C-GET requester's own) as a C-STORE sub-operation, and a pending
 * response with the counts goes to the requester.
 *
 * <p>Two threads, so that the two hops overlap: the reader of the association to the site takes each instance into a
 * bounded buffer and answers the site as soon as the instance is in; a forwarding thread sends the buffered instances
 * to the target, one at a time, as their bytes come (a large instance streams through; it is not held whole). A site
 * sends its next C-STORE only once we answered the last one (the archive's C-GET keeps one outstanding): answering
 * only after the target answered, as this relay first did, added the site's turnaround and the target's to every
 * instance, one after the other. At most {@link #AHEAD} instance waits behind the one being forwarded, and at most
 * {@link #MAX_CHUNKS} chunks of {@link #CHUNK} bytes are held per retrieve; a full buffer stops reading from the site,
 * so a study still moves at the pace of the slower link.
 *
 * <p>What the requester hears is what the target answered: the counts, the failed UIDs and the audit record are the
 * forwarding thread's. The site hears success for each instance it delivered whole; a target gone away makes the
 * relay refuse the next and abort the C-GET, as before.
 */
final class Relay implements Handlers.Store {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
    /** Bytes per buffered chunk, and how many chunks one relayed retrieve may hold (2 MiB). */
    static final int CHUNK = 64 * 1024;
    static final int MAX_CHUNKS = 32;
    /** Instances received (or being received) while the previous one is forwarded. */
    static final int AHEAD = 1;
    private static final Object END = new Object();

    private final Association target;
    private final String targetName;
    /** For a C-MOVE: the requester's AE title and Message ID (Move Originator); null for a C-GET. */
    private final String originator;
    private final int originatorMessageID;
    private final Map<String, LocateKeys.Found> expected;
    private final Handlers.RetrieveResponder responder;
    private final TransferAccumulator audit;
    private final Runnable cancelAtSite;
    /** Where a copy of each instance is kept (the local archive), or null. */
    private final InstanceStore cache;
    private final String siteAETitle;

    private int total;
    private int completed;
    private int failed;
    private int warning;
    private final List<String> failedUIDs = new ArrayList<>();
    private final Set<String> received = new HashSet<>();
    private boolean cancelSent;
    /** Why the target cannot take more (it went away); null while it can. */
    private volatile String targetFailure;

    /** Instances for the forwarding thread, in the order the site sent them. */
    private final BlockingQueue<Incoming> incoming = new ArrayBlockingQueue<>(AHEAD);
    private final Semaphore chunks = new Semaphore(MAX_CHUNKS);
    private final Queue<byte[]> spare = new ConcurrentLinkedQueue<>();
    private Thread forwarder;
    /** Set once no more instances are taken (the C-GET is over): nothing may then wait for the forwarder. */
    private volatile boolean closed;

    Relay(Association target, String targetName, String originator, int originatorMessageID,
          List<LocateKeys.Found> expected, Handlers.RetrieveResponder responder, TransferAccumulator audit,
          Runnable cancelAtSite, InstanceStore cache, String siteAETitle) {
        this.cache = cache;
        this.siteAETitle = siteAETitle;
        this.target = target;
        this.targetName = targetName;
        this.originator = originator;
        this.originatorMessageID = originatorMessageID;
        this.expected = new LinkedHashMap<>();
        for (LocateKeys.Found f : expected) {
            this.expected.put(f.sopInstanceUID(), f);
        }
        this.total = this.expected.size();
        this.responder = responder;
        this.audit = audit;
        this.cancelAtSite = cancelAtSite;
    }

    /** On the reader thread of the association to the site: takes the instance in, for the forwarding thread. */
    @Override
    public int store(DimseRequest request, InputStream data) throws IOException {
        String cuid = request.sopClassUID();
        String iuid = request.sopInstanceUID();
        if (targetFailure != null) {
            count(cuid, iuid, Status.OUT_OF_RESOURCES, targetFailure);
            request.association().abort();
            return Status.OUT_OF_RESOURCES;
        }
        Incoming in = new Incoming(request, TransferSyntax.of(request.transferSyntaxUID()),
                cache != null ? Files.createTempFile("relayed-", ".dcm") : null);
        startForwarder();
        try {
            while (!incoming.offer(in, 100, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    in.deleteCopy();
                    return Status.OUT_OF_RESOURCES; // the C-GET is over (aborted): nobody forwards any more
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            in.deleteCopy();
            throw new InterruptedIOException("interrupted");
        }
        try (OutputStream copyOut = in.copy != null ? new BufferedOutputStream(Files.newOutputStream(in.copy)) : null) {
            byte[] buf = chunk();
            int n = 0;
            for (int r; (r = data.read(buf, n, buf.length - n)) >= 0; ) {
                if (copyOut != null) {
                    copyOut.write(buf, n, r);
                }
                n += r;
                if (n == buf.length) {
                    in.parts.add(new Chunk(buf, n));
                    buf = chunk();
                    n = 0;
                }
            }
            if (n > 0) {
                in.parts.add(new Chunk(buf, n));
            } else {
                recycle(buf);
            }
        } catch (IOException | RuntimeException | Error e) {
            in.parts.add(e); // the site's stream broke (or our copy): the forwarder ends this instance with it
            throw e;
        }
        in.parts.add(END);
        return Status.SUCCESS;
    }

    private synchronized void startForwarder() {
        if (forwarder == null && !closed) {
            forwarder = new Thread(this::forwardAll, "relay-" + targetName.replace(' ', '-'));
            forwarder.setDaemon(true);
            forwarder.start();
        }
    }

    /** A free chunk; waits while the buffer is full (the forwarder frees them as the target takes the bytes). */
    private byte[] chunk() throws IOException {
        try {
            while (!chunks.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    throw new IOException("the relayed retrieve is over");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        byte[] b = spare.poll();
        return b != null ? b : new byte[CHUNK];
    }

    private void recycle(byte[] b) {
        spare.add(b);
        chunks.release();
    }

    /** The forwarding thread: each instance to the target, in turn, until {@link #close}. */
    private void forwardAll() {
        while (true) {
            Incoming in;
            try {
                in = incoming.take();
            } catch (InterruptedException e) {
                return; // close() gave up waiting
            }
            if (in.request == null) {
                return; // close()
            }
            try {
                if (responder.isCancelled()) {
                    cancelAtSite(); // what came after the C-CANCEL is not sent (nor counted: it remained)
                } else {
                    forward(in);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Relaying {}: {}", in.request.sopInstanceUID(), e.toString());
            } finally {
                in.discard();
                in.deleteCopy();
            }
        }
    }

    /**
     * Ends the forwarding once the C-GET is over: the instances taken in are forwarded (or failed) first. Returns
     * once the forwarding thread is done, so that the counts are final.
     */
    void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = forwarder;
            forwarder = null; // closed: none is started again, and a second close() has nothing to wait for
        }
        if (t == null) {
            return;
        }
        try {
            Incoming last = new Incoming(null, null, null);
            while (t.isAlive() && !incoming.offer(last, 100, TimeUnit.MILLISECONDS)) {
                // the forwarder is taking the instances before it
            }
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.interrupt();
        }
    }

    private void forward(Incoming in) throws IOException {
        DimseRequest request = in.request;
        String cuid = request.sopClassUID();
        String iuid = request.sopInstanceUID();
        try {
            forward(cuid, iuid, in.from, in);
        } finally {
            in.discard(); // the rest, when forwarding stopped early
            if (in.copy != null && in.whole()) {
                keep(in.copy, new StoreRequest(cuid, iuid, in.from.uid(), siteAETitle));
            }
        }
        if (targetFailure != null) {
            // nothing more can reach the target: end the C-GET rather than take the rest for nothing
            request.association().abort();
        }
    }

    /** Keeps a copy in the local archive; a failure there is logged, not the retrieve's. */
    private void keep(Path copy, StoreRequest request) {
        try (InputStream in = Files.newInputStream(copy)) {
            cache.store(request, in);
        } catch (StoreException e) {
            LOG.info("Relayed {} not kept in the local archive: {}", request.sopInstanceUID(), e.getMessage());
        } catch (IOException e) {
            LOG.warn("Relayed {} not kept in the local archive: {}", request.sopInstanceUID(), e.getMessage());
        }
    }

    /** Sends one instance to the target and counts it. */
    private void forward(String cuid, String iuid, TransferSyntax from, Incoming data) throws IOException {
        int status;
        String why = null;
        if (targetFailure != null) {
            status = Status.OUT_OF_RESOURCES;
            why = targetFailure;
        } else {
            TransferSyntax to = choose(cuid, from);
            if (to == null) {
                status = Status.OUT_OF_RESOURCES;
                why = targetName + " accepts no transfer syntax " + from + " can be converted to for " + cuid;
            } else {
                try {
                    Association.DataWriter writer = from.uid().equals(to.uid()) ? data::transferTo
                            : out -> Transcoder.transcode(data, from, out, to);
                    DimseResponse rsp = target.store(cuid, iuid, to.uid(), writer, originator, originatorMessageID);
                    status = rsp.status();
                    if (!Status.isSuccess(status) && !Status.isWarning(status)) {
                        why = targetName + " answered " + rsp.describe();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    status = Status.OUT_OF_RESOURCES;
                    why = "interrupted";
                } catch (IOException e) {
                    status = Status.OUT_OF_RESOURCES;
                    if (data.siteFailure != null) {
                        // the site went away in the middle of it: the C-GET's failure says so, not the target's
                        why = "the site ended mid-instance: " + data.siteFailure.getMessage();
                    } else {
                        why = targetName + ": " + e.getMessage();
                        if (!target.isOpen()) {
                            targetFailure = targetName + " went away: " + e.getMessage();
                        }
                    }
                }
            }
        }
        count(cuid, iuid, status, why);
    }

    /** The stored syntax when the target accepted it, else an uncompressed one it accepted (a conversion). */
    private TransferSyntax choose(String cuid, TransferSyntax from) {
        List<String> accepted = target.acceptedTransferSyntaxes(cuid);
        if (accepted.contains(from.uid())) {
            return from;
        }
        for (String ts : accepted) {
            TransferSyntax to = TransferSyntax.of(ts);
            if (Transcoder.canConvert(from, to)) {
                return to;
            }
        }
        return null;
    }

    private synchronized void count(String cuid, String iuid, int status, String why) throws IOException {
        received.add(iuid);
        LocateKeys.Found f = expected.get(iuid);
        if (Status.isSuccess(status) || Status.isWarning(status)) {
            if (Status.isSuccess(status)) {
                completed++;
            } else {
                warning++;
            }
            audit.add(f != null ? f.patientId() : "", f != null ? f.patientName() : null,
                    f != null ? f.studyInstanceUID() : "unknown", f != null ? f.accessionNumber() : null, cuid);
        } else {
            failed++;
            failedUIDs.add(iuid);
            audit.failed(why);
            LOG.warn("Could not relay {}: {}", iuid, why);
        }
        if (f == null) {
            total++; // stored at the site after we located the instances
        }
        int remaining = Math.max(0, total - completed - failed - warning);
        if (remaining > 0 && !responder.pending(remaining, completed, failed, warning) && !cancelSent) {
            cancelSent = true;
            cancelAtSite.run();
        }
    }

    private synchronized void cancelAtSite() {
        if (!cancelSent) {
            cancelSent = true;
            cancelAtSite.run();
        }
    }

    /** The site's pending response: it may know of more instances than we located. */
    synchronized void sitePending(DimseResponse rsp) {
        int siteRemaining = rsp.command().getInt(Tag.NumberOfRemainingSuboperations, -1);
        if (siteRemaining >= 0) {
            total = Math.max(total, completed + failed + warning + siteRemaining);
        }
    }

    /**
     * Ends the run: what was expected and never arrived failed (the site could not read it, or went away), and the
     * final counts go to the requester. Cancelled: what did not arrive is what remained.
     */
    synchronized void finish(boolean cancelled) {
        if (!cancelled) {
            for (String iuid : expected.keySet()) {
                if (!received.contains(iuid)) {
                    failed++;
                    failedUIDs.add(iuid);
                    audit.failed("not sent by the site");
                }
            }
        }
        responder.complete(completed, failed, warning, failedUIDs);
    }

    String targetFailure() {
        return targetFailure;
    }

    synchronized int completed() {
        return completed;
    }

    synchronized int sent() {
        return completed + warning;
    }

    private record Chunk(byte[] bytes, int length) {
    }

    /**
     * One instance from the site: its chunks as they arrive, then END (or the exception that broke the site's
     * stream). Read by the forwarding thread as the data set's stream; each chunk is recycled once read.
     */
    private final class Incoming extends InputStream {
        final DimseRequest request;
        final TransferSyntax from;
        /** The local copy being written (the cache), or null. */
        final Path copy;
        final BlockingQueue<Object> parts = new LinkedBlockingQueue<>();
        private Chunk current;
        private int pos;
        private boolean ended;
        /** Why the site's stream broke in the middle of this instance, or null. */
        volatile Throwable siteFailure;

        Incoming(DimseRequest request, TransferSyntax from, Path copy) {
            this.request = request;
            this.from = from;
            this.copy = copy;
        }

        /** The current chunk with bytes left, or null at the end of the instance. */
        private Chunk current() throws IOException {
            while (!ended && (current == null || pos == current.length())) {
                if (current != null) {
                    recycle(current.bytes());
                    current = null;
                }
                Object next;
                try {
                    next = parts.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                }
                if (next == END) {
                    ended = true;
                } else if (next instanceof Throwable t) {
                    ended = true;
                    siteFailure = t;
                } else {
                    current = (Chunk) next;
                    pos = 0;
                }
            }
            if (siteFailure != null) {
                throw new IOException("the site's stream broke: " + siteFailure.getMessage(), siteFailure);
            }
            return ended ? null : current;
        }

        @Override
        public int read() throws IOException {
            Chunk c = current();
            return c == null ? -1 : c.bytes()[pos++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            Chunk c = current();
            if (c == null) {
                return -1;
            }
            int n = Math.min(len, c.length() - pos);
            System.arraycopy(c.bytes(), pos, b, off, n);
            pos += n;
            return n;
        }

        /** The chunks written as they are (no copy into a transfer buffer). */
        @Override
        public long transferTo(OutputStream out) throws IOException {
            long n = 0;
            for (Chunk c; (c = current()) != null; ) {
                out.write(c.bytes(), pos, c.length() - pos);
                n += c.length() - pos;
                pos = c.length();
            }
            return n;
        }

        /** Whether the whole instance came (read to its end, the site's stream intact). */
        boolean whole() {
            return ended && siteFailure == null;
        }

        /** Reads what is left of the instance, so that its chunks go back to the pool. */
        void discard() {
            try {
                while (current() != null) {
                    pos = current.length();
                }
            } catch (IOException e) {
                // the site's failure: nothing more comes for this instance
            }
        }

        void deleteCopy() {
            if (copy != null) {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException e) {
                    LOG.debug("Temporary copy {} not deleted: {}", copy, e.getMessage());
                }
            }
        }
    }
}
