package org.gridpacs.web.wado;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.retrieve.AcceptedTransferSyntaxes;
import org.gridpacs.archive.retrieve.DataSetTransform;
import org.gridpacs.archive.retrieve.NoAcceptableTransferSyntaxException;
import org.gridpacs.archive.retrieve.RetrieveContext;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.retrieve.RetrievedInstance;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.web.pixels.StoredPixelData;

/**
 * One instance opened to be sent as a Part 10 file in a chosen transfer syntax (WADO-RS instances, WADO-URI):
 * through the retrieve service's {@link RetrievedInstance} (as stored, or converted between native syntaxes) or,
 * for compressed data wanted native, decoded here ({@link DecodedInstance}). Opened before anything is written, so
 * a copy that cannot be read or converted is known before the answer starts.
 */
public final class OpenedInstance implements Closeable {
    private final IndexedInstance instance;
    private final TransferSyntax syntax;
    private final RetrievedInstance retrieved;
    private final StoredPixelData decoded;

    private OpenedInstance(IndexedInstance instance, TransferSyntax syntax, RetrievedInstance retrieved,
                           StoredPixelData decoded) {
        this.instance = instance;
        this.syntax = syntax;
        this.retrieved = retrieved;
        this.decoded = decoded;
    }

    /**
     * @param base     who asks and where the data go (the accepted syntaxes are replaced by the target one)
     * @throws NoAcceptableTransferSyntaxException the stored copy cannot be converted to {@code targetSyntax}
     * @throws StoredPixelData.NoPixelData         compressed data to decode without Pixel Data to decode
     */
    public static OpenedInstance open(RetrieveService retrieve, RetrieveContext base, IndexedInstance instance,
                                      String targetSyntax)
            throws IOException, NoAcceptableTransferSyntaxException {
        TransferSyntax target = TransferSyntax.of(targetSyntax);
        TransferSyntax stored = TransferSyntax.of(instance.transferSyntaxUID());
        if (DecodedInstance.decodable(stored, target)) {
            return new OpenedInstance(instance, target, null, StoredPixelData.open(retrieve.open(instance)));
        }
        RetrieveContext context = new RetrieveContext(base.requester(), base.destination(),
                AcceptedTransferSyntaxes.always(java.util.List.of(target.uid())), DataSetTransform.IDENTITY);
        RetrievedInstance r = retrieve.open(context, instance);
        return new OpenedInstance(instance, r.transferSyntax(), r, null);
    }

    public TransferSyntax transferSyntax() {
        return syntax;
    }

    /** The Part 10 file: preamble, File Meta Information naming the sent syntax, data set. */
    public void writeTo(OutputStream out) throws IOException {
        String sopClass = retrieved != null ? retrieved.sopClassUID() : instance.sopClassUID();
        String sopInstance = retrieved != null ? retrieved.sopInstanceUID() : instance.sopInstanceUID();
        out.write(FileMetaInformation.encode(FileMetaInformation.create(sopClass, sopInstance, syntax.uid(), null)));
        if (retrieved != null) {
            retrieved.writeTo(out);
        } else {
            DecodedInstance.writeTo(decoded, syntax, out);
        }
    }

    @Override
    public void close() throws IOException {
        if (retrieved != null) {
            retrieved.close();
        }
        if (decoded != null) {
            decoded.close();
        }
    }
}
