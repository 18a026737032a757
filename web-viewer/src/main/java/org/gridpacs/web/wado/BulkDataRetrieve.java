package org.gridpacs.web.wado;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.retrieve.StoredInstance;
import org.gridpacs.dicom.data.BulkData;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.HttpProblem;
import org.gridpacs.web.json.BulkDataPaths;
import org.gridpacs.web.media.AcceptHeader;
import org.gridpacs.web.media.MediaType;
import org.gridpacs.web.multipart.MultipartWriter;
import org.gridpacs.web.pixels.CompressedMediaTypes;
import org.gridpacs.web.pixels.StoredPixelData;
import org.gridpacs.web.pixels.Streams;
import org.gridpacs.web.target.RetrieveTarget;

/**
 * WADO-RS Retrieve Bulk Data (PS3.18 10.4.1.1.5) at the BulkDataURIs of the metadata: one part holding the value,
 * little endian, as {@code multipart/related; type="application/octet-stream"}, or a bare
 * {@code application/octet-stream} body when the Accept asks for that (OHIF's {@code singlepart} option). Pixel Data
 * is negotiated as frames are: native (or decoded) as one value, compressed as stored one frame per part.
 *
 * <p>The data set is read only up to the path's top-level attribute, large values skipped; a large value is then
 * read by opening the copy again and skipping to it.
 */
final class BulkDataRetrieve {
    private static final long IN_MEMORY = 64 * 1024;

    private final RetrieveService retrieve;
    private final RetrieveTarget target;

    BulkDataRetrieve(RetrieveService retrieve, RetrieveTarget target) {
        this.retrieve = retrieve;
        this.target = target;
    }

    void serve(DicomWebRequest request) throws Exception {
        BulkDataPaths.Path path;
        try {
            path = BulkDataPaths.parse(request.path().bulkData());
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("bulk data path: " + e.getMessage());
        }
        IndexedInstance instance = target.instance(request.path());
        if (path.tags().size() == 1 && path.tags().get(0) == Tag.PixelData) {
            pixelData(request, instance);
            return;
        }
        boolean multipart = multipart(request.accept());
        Object value;
        VR vr;
        boolean bigEndian;
        try (StoredInstance stored = retrieve.open(instance)) {
            bigEndian = stored.transferSyntax().bigEndian();
            DicomInputStream in = new DicomInputStream(stored.dataSet(), 16 * 1024);
            in.setTransferSyntax(stored.transferSyntax());
            in.setBulkDataThreshold(IN_MEMORY);
            int top = path.tags().get(0);
            DataSet ds = top == -1 ? in.readDataSet() : in.readDataSet(top + 1);
            DataSet at = ds;
            for (int k = 0; k < path.items().size(); k++) {
                Sequence seq = at.getSequence(path.tags().get(k));
                if (seq == null || path.items().get(k) >= seq.size()) {
                    throw nothing(path, instance, request);
                }
                at = seq.get(path.items().get(k));
            }
            int tag = path.tags().get(path.tags().size() - 1);
            if (!at.contains(tag) || at.vrOf(tag) == VR.SQ) {
                throw nothing(path, instance, request);
            }
            value = at.getValue(tag);
            vr = at.vrOf(tag);
        }
        if (value != null && !(value instanceof byte[]) && !(value instanceof BulkData)) {
            throw HttpProblem.notFound("bulk data path " + request.path().bulkData() + " names an encapsulated value");
        }
        OutputStream body;
        MultipartWriter parts = null;
        String boundary = MultipartWriter.newBoundary();
        if (multipart) {
            body = WadoResponse.start(request, 200,
                    MultipartWriter.contentType(CompressedMediaTypes.OCTET_STREAM, boundary), null);
            parts = new MultipartWriter(body, boundary);
        } else {
            body = WadoResponse.start(request, 200, CompressedMediaTypes.OCTET_STREAM, null);
        }
        OutputStream out = parts != null ? parts.startPart(CompressedMediaTypes.OCTET_STREAM) : body;
        if (value instanceof byte[] b) {
            out.write(b); // read values are little endian already
        } else if (value instanceof BulkData bulk) {
            copyBulk(instance, bulk, out, bigEndian ? vr.valueWidth() : 1);
        }
        if (parts != null) {
            parts.finish();
        }
        WadoResponse.finish(request, body);
    }

    /** Reads a value left in the stored copy: opens it again and skips to the value. */
    private void copyBulk(IndexedInstance instance, BulkData bulk, OutputStream out, int swapWidth) throws IOException {
        try (StoredInstance stored = retrieve.open(instance)) {
            InputStream in = stored.dataSet();
            if (stored.transferSyntax().deflated()) {
                DicomInputStream inflating = new DicomInputStream(in);
                inflating.setTransferSyntax(stored.transferSyntax());
                in = inflating.remainder(); // offsets count in the inflated stream
            }
            Streams.skipFully(in, bulk.offset());
            Streams.copy(in, out, bulk.length(), swapWidth);
        }
    }

    /**
     * Pixel Data, negotiated as for frames: native or decoded as one part (the whole value, little endian), as stored
     * (compressed) one part per frame.
     */
    private void pixelData(DicomWebRequest request, IndexedInstance instance) throws Exception {
        StoredPixelData px = FrameRetrieve.openPixelData(retrieve, instance);
        try {
            int parts = px.encapsulated() ? px.frames() : 1;
            FrameRendition rendition = FrameNegotiation.choose(request.accept(), px.transferSyntax(), parts,
                    "the Pixel Data of instance " + instance.sopInstanceUID());
            if (rendition.mode() != FrameRendition.Mode.AS_STORED) {
                String boundary = MultipartWriter.newBoundary();
                OutputStream body;
                OutputStream out;
                MultipartWriter writer = null;
                if (rendition.multipart()) {
                    body = WadoResponse.start(request, 200,
                            MultipartWriter.contentType(rendition.relatedType(), boundary), null);
                    writer = new MultipartWriter(body, boundary);
                    out = writer.startPart(rendition.partType());
                } else {
                    body = WadoResponse.start(request, 200, rendition.partType(), null);
                    out = body;
                }
                if (rendition.mode() == FrameRendition.Mode.NATIVE) {
                    px.copyNativeValue(out);
                } else {
                    for (int k = 0; k < px.frames(); k++) { // decoded: the native value the frames make up
                        out.write(px.frame(k));
                    }
                }
                if (writer != null) {
                    writer.finish();
                }
                WadoResponse.finish(request, body);
                return;
            }
            int[] frames = new int[px.frames()];
            for (int k = 0; k < frames.length; k++) {
                frames[k] = k;
            }
            PixelDataSource source = new PixelDataSource(retrieve, instance, px);
            px = null;
            try (source) {
                FrameRetrieve.write(request, rendition, source, frames);
            }
        } finally {
            if (px != null) {
                px.close();
            }
        }
    }

    /** Multipart unless the best acceptable range is a bare application/octet-stream; 406 when neither is. */
    private static boolean multipart(AcceptHeader accept) throws HttpProblem {
        MediaType octets = MediaType.of("application", "octet-stream");
        for (MediaType range : accept.ranges()) {
            if (range.isMultipartRelated()) {
                MediaType inner = range.related();
                if (inner == null || inner.includes(octets)) {
                    return true;
                }
            } else if (range.type().equals("*") || range.essence().equals("multipart/*")) {
                return true;
            } else if (range.includes(octets)) {
                return false;
            }
        }
        throw HttpProblem.notAcceptable("bulk data is sent as multipart/related; type=\"application/octet-stream\""
                + " or application/octet-stream, which the Accept header does not accept");
    }

    private static HttpProblem nothing(BulkDataPaths.Path path, IndexedInstance instance, DicomWebRequest request) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < path.tags().size(); k++) {
            sb.append(k > 0 ? " > " : "").append(ElementDictionary.toString(path.tags().get(k)));
            if (k < path.items().size()) {
                sb.append(" item ").append(path.items().get(k));
            }
        }
        return HttpProblem.notFound("bulk data path " + request.path().bulkData() + " (" + sb
                + ") names no value in instance " + instance.sopInstanceUID());
    }
}
