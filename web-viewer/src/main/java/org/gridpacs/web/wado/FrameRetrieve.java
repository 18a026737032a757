package org.gridpacs.web.wado;

import java.io.IOException;
import java.io.OutputStream;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.HttpProblem;
import org.gridpacs.web.multipart.MultipartWriter;
import org.gridpacs.web.pixels.StoredPixelData;
import org.gridpacs.web.target.RetrieveTarget;

/**
 * WADO-RS Retrieve Frames (PS3.18 10.4.1.1.3): the pixel path of viewers (OHIF asks for one frame per request).
 * Per request: one index lookup, the stored copy's header parsed, the requested frames read (a native frame by
 * skipping to its offset), nothing else. Frame list errors are 400, a frame past Number of Frames 404, an Accept
 * that cannot be met 406, all before the answer starts.
 */
final class FrameRetrieve {
    private final RetrieveService retrieve;
    private final RetrieveTarget target;

    FrameRetrieve(RetrieveService retrieve, RetrieveTarget target) {
        this.retrieve = retrieve;
        this.target = target;
    }

    void serve(DicomWebRequest request) throws Exception {
        int[] numbers = FrameList.parse(request.path().frames());
        IndexedInstance instance = target.instance(request.path());
        StoredPixelData px = openPixelData(retrieve, instance);
        try {
            for (int n : numbers) {
                if (n > px.frames()) {
                    throw HttpProblem.notFound("frame " + n + " asked for, instance " + instance.sopInstanceUID()
                            + " has " + px.frames() + (px.frames() == 1 ? " frame" : " frames"));
                }
            }
            FrameRendition rendition = FrameNegotiation.choose(request.accept(), px.transferSyntax(), numbers.length,
                    "frames of instance " + instance.sopInstanceUID());
            int[] frames = new int[numbers.length];
            for (int k = 0; k < numbers.length; k++) {
                frames[k] = numbers[k] - 1;
            }
            PixelDataSource source = new PixelDataSource(retrieve, instance, px);
            px = null;
            try (source) {
                write(request, rendition, source, frames);
            }
        } finally {
            if (px != null) {
                px.close();
            }
        }
    }

    /** Writes the frames as parts of a multipart body (or one single-part body) and completes the exchange. */
    static void write(DicomWebRequest request, FrameRendition rendition, PixelDataSource source, int[] frames)
            throws IOException {
        if (!rendition.multipart()) {
            OutputStream body = WadoResponse.start(request, 200, rendition.partType(), null,
                    source.expectedBytes(rendition, 1));
            source.writeFrame(frames[0], rendition, body);
            WadoResponse.finish(request, body);
            return;
        }
        String boundary = MultipartWriter.newBoundary();
        // the part headers and delimiters: some 200 bytes a frame
        OutputStream body = WadoResponse.start(request, 200,
                MultipartWriter.contentType(rendition.relatedType(), boundary), null,
                source.expectedBytes(rendition, frames.length) + 200L * frames.length + 100);
        MultipartWriter parts = new MultipartWriter(body, boundary);
        for (int f : frames) {
            source.writeFrame(f, rendition, parts.startPart(rendition.partType()));
        }
        parts.finish();
        WadoResponse.finish(request, body);
    }

    /** The instance's Pixel Data, opened; 404 when it has none. */
    static StoredPixelData openPixelData(RetrieveService retrieve, IndexedInstance instance) throws Exception {
        try {
            return StoredPixelData.open(retrieve.open(instance));
        } catch (StoredPixelData.NoPixelData e) {
            throw HttpProblem.notFound("instance " + instance.sopInstanceUID() + " has no frames: " + e.getMessage());
        }
    }
}
