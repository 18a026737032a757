package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the files of one {@link StorePlan.Batch} over several associations at once: each worker thread opens its
 * own association and takes files from a shared queue until it is empty, so a slow file never holds up the others.
 * A worker whose association breaks reconnects for the next file; one that cannot connect stops, and files nobody
 * could send are failed with the last connection error.
 */
final class StoreSender {
    private static final Logger LOG = LoggerFactory.getLogger(StoreSender.class);

    /** Thrown from inside a data writer when the file (not the network) fails: the association must be aborted. */
    private static final class FileReadException extends IOException {
        FileReadException(IOException cause) {
            super("cannot read the file: " + cause.getMessage(), cause);
        }
    }

    /** The file could not be opened or decoded before anything was sent: the association is still fine. */
    private static final class NotSentException extends IOException {
        NotSentException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final ScuOptions scu;
    private final StorePlan.Batch batch;
    private final int parallel;
    private final StoreStats stats;
    private final Queue<StoreFile> queue;
    private volatile String lastConnectError;

    StoreSender(ScuOptions scu, StorePlan.Batch batch, int parallel, StoreStats stats) {
        this.scu = scu;
        this.batch = batch;
        this.parallel = parallel;
        this.stats = stats;
        this.queue = new ConcurrentLinkedQueue<>(batch.files());
    }

    void run() throws InterruptedException {
        int n = Math.min(parallel, batch.files().size());
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(this::work, "store-" + (i + 1));
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        StoreFile f;
        while ((f = queue.poll()) != null) {
            stats.failed(f, lastConnectError != null ? "not sent: " + lastConnectError : "not sent");
        }
    }

    private void work() {
        Association as = null;
        try {
            while (!queue.isEmpty()) {
                if (as == null || !as.isOpen()) {
                    as = connect();
                    if (as == null) {
                        return;
                    }
                }
                StoreFile f = queue.poll();
                if (f == null) {
                    break;
                }
                send(as, f);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (as != null) {
                try {
                    as.release();
                } catch (IOException e) {
                    LOG.debug("release failed: {}", e.getMessage());
                }
            }
        }
    }

    private Association connect() {
        AAssociateRQ rq = scu.newRequest();
        for (PresentationContext.RQ pc : batch.contexts()) {
            rq.addPresentationContext(pc);
        }
        try {
            return scu.connect(rq, null);
        } catch (IOException | GeneralSecurityException e) {
            if (!String.valueOf(e.getMessage()).equals(lastConnectError)) {
                LOG.error("{}", e.getMessage()); // once, not once per worker
            }
            lastConnectError = e.getMessage();
            return null;
        }
    }

    private void send(Association as, StoreFile f) throws InterruptedException {
        try {
            List<String> accepted = as.acceptedTransferSyntaxes(f.sopClassUID());
            DimseResponse rsp;
            if (accepted.contains(f.transferSyntaxUID())) {
                rsp = sendAsIs(as, f);
            } else {
                String target = conversionTarget(f, accepted);
                if (target == null) {
                    stats.failed(f, notAccepted(f, accepted));
                    return;
                }
                LOG.debug("{}: converting {} to {}", f.path(), name(f.transferSyntaxUID()), name(target));
                rsp = sendConverted(as, f, target);
            }
            int status = rsp.status();
            if (Status.isSuccess(status)) {
                stats.sent(f, null);
            } else if (Status.isWarning(status)) {
                stats.sent(f, rsp.describe());
            } else {
                stats.failed(f, rsp.describe());
            }
        } catch (NotSentException e) {
            stats.failed(f, e.getMessage());
        } catch (IOException e) {
            // the connection failed, or (FileReadException) part of the data set is on the wire already:
            // either way only an abort gets both sides out of it; the next file gets a new association
            LOG.debug("{}: {}; aborting the association", f.path(), e.getMessage());
            as.abort();
            stats.failed(f, e.getMessage());
        }
    }

    /** The data set bytes after the meta information go out unchanged: no decoding, no re-encoding. */
    private DimseResponse sendAsIs(Association as, StoreFile f) throws IOException, InterruptedException {
        // opened before the C-STORE starts, so a vanished file fails here and not halfway through the message
        FileChannel opened;
        try {
            opened = FileChannel.open(f.path(), StandardOpenOption.READ);
            opened.position(f.dataSetOffset());
        } catch (IOException e) {
            throw new NotSentException(e);
        }
        try (FileChannel ch = opened) {
            return as.store(f.sopClassUID(), f.sopInstanceUID(), f.transferSyntaxUID(), out -> copy(ch, out), null, 0);
        }
    }

    private static void copy(FileChannel ch, OutputStream out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        long total = 0;
        while (true) {
            int n;
            try {
                bb.clear();
                n = ch.read(bb);
            } catch (IOException e) {
                throw new FileReadException(e);
            }
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
            total += n;
        }
        if ((total & 1) != 0) {
            // a data set is always of even length; files with an odd one are deflated streams written without
            // their padding byte (pydicom does that), which DCMTK rejects as an "odd fragment length"
            out.write(0);
        }
    }

    /** Decodes the whole data set first, so a file that cannot be parsed fails before anything is sent. */
    private DimseResponse sendConverted(Association as, StoreFile f, String target) throws IOException, InterruptedException {
        DataSet ds;
        try (InputStream raw = Files.newInputStream(f.path()); DicomInputStream in = new DicomInputStream(raw)) {
            in.readFileMetaInformation();
            ds = in.readDataSet();
        } catch (IOException e) {
            throw new NotSentException(e);
        }
        TransferSyntax ts = TransferSyntax.of(target);
        return as.store(f.sopClassUID(), f.sopInstanceUID(), target, out -> {
            DicomOutputStream dos = new DicomOutputStream(out);
            dos.setTransferSyntax(ts);
            dos.writeDataSet(ds);
            dos.finish();
        }, null, 0);
    }

    /**
     * A syntax the peer accepted that we can convert the file to: only between the syntaxes that are not
     * encapsulated (we have no codecs), explicit VR little endian preferred.
     */
    static String conversionTarget(StoreFile f, List<String> accepted) {
        if (TransferSyntax.of(f.transferSyntaxUID()).encapsulated()) {
            return null;
        }
        for (String preferred : List.of(UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian)) {
            if (accepted.contains(preferred)) {
                return preferred;
            }
        }
        return accepted.stream().filter(t -> !TransferSyntax.of(t).encapsulated()).findFirst().orElse(null);
    }

    private static String notAccepted(StoreFile f, List<String> accepted) {
        if (accepted.isEmpty()) {
            return "the peer did not accept " + name(f.sopClassUID()) + " (" + f.sopClassUID() + ") in any transfer syntax";
        }
        return "the peer accepts " + name(f.sopClassUID()) + " only in "
                + accepted.stream().map(StoreSender::name).collect(Collectors.joining(", "))
                + ", and the file is " + name(f.transferSyntaxUID()) + ", which cannot be converted without a codec";
    }

    private static String name(String uid) {
        String n = UIDs.nameOf(uid);
        return n != null ? n : uid;
    }
}
