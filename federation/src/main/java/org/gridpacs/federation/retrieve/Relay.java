package org.gridpacs.federation.retrieve;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * The C-STORE SCP of our C-GET association to the site that holds the instances: each instance, as its bytes arrive,
 * goes on to the target (the move destination's association, or the C-GET requester's own) as a C-STORE
 * sub-operation, and a pending response with the counts goes to the requester. Nothing is buffered: the site's
 * data stream is written straight into the target's, so a study moves at the pace of the slower link, and the site
 * gets our C-STORE response only once the target answered (the target's refusal is the site's failure too).
 *
 * <p>Runs on the reader thread of the association to the site (one instance at a time); the counts are read by the
 * retrieve's thread once the C-GET is over.
 */
final class Relay implements Handlers.Store {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

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

    @Override
    public int store(DimseRequest request, InputStream data) throws IOException {
        String cuid = request.sopClassUID();
        String iuid = request.sopInstanceUID();
        TransferSyntax from = TransferSyntax.of(request.transferSyntaxUID());
        Path copy = cache != null ? Files.createTempFile("relayed-", ".dcm") : null;
        try (OutputStream copyOut = copy != null ? new BufferedOutputStream(Files.newOutputStream(copy)) : null) {
            InputStream in = copyOut != null ? new TeeInputStream(data, copyOut) : data;
            int status = forward(request, cuid, iuid, from, in);
            if (copyOut != null) {
                in.transferTo(OutputStream.nullOutputStream()); // the rest, when forwarding stopped early
                copyOut.close();
                keep(copy, new StoreRequest(cuid, iuid, from.uid(), siteAETitle));
            }
            return status;
        } finally {
            if (copy != null) {
                Files.deleteIfExists(copy);
            }
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

    private int forward(DimseRequest request, String cuid, String iuid, TransferSyntax from, InputStream data)
            throws IOException {
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
                    why = targetName + ": " + e.getMessage();
                    if (!target.isOpen()) {
                        targetFailure = targetName + " went away: " + e.getMessage();
                    }
                }
            }
        }
        count(cuid, iuid, status, why);
        if (targetFailure != null) {
            // nothing more can reach the target: end the C-GET rather than take the rest for nothing
            request.association().abort();
        }
        return Status.isSuccess(status) || Status.isWarning(status) ? status : Status.OUT_OF_RESOURCES;
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

    /** Writes what is read from the site's stream to the local copy too. */
    private static final class TeeInputStream extends FilterInputStream {
        private final OutputStream copy;

        TeeInputStream(InputStream in, OutputStream copy) {
            super(in);
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                copy.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                copy.write(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, 8192)];
            int r = read(buf, 0, buf.length);
            return Math.max(r, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
