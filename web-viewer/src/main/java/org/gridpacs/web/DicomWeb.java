package org.gridpacs.web;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.gridpacs.web.metadata.MetadataRs;
import org.gridpacs.web.qido.QidoRs;
import org.gridpacs.web.render.RenderedRs;
import org.gridpacs.web.stow.StowRs;
import org.gridpacs.web.wado.WadoRs;
import org.gridpacs.web.wadouri.WadoUri;

/** Builds the DICOMweb handler of a node over its services. */
public final class DicomWeb {
    /** JSON answers shorter than this are sent as they are: compressing them gains nothing. */
    static final int MIN_GZIP_SIZE = 1024;

    private DicomWeb() {
    }

    /**
     * The DICOMweb handler, JSON answers (QIDO-RS, metadata) gzip-compressed for clients that accept it: a study's
     * metadata shrinks some tenfold. Multipart and image answers are left as they are (already compressed or
     * binary, and streamed frame by frame).
     */
    public static Handler handler(DicomWebServices services) {
        DicomWebHandler dicomWeb = new DicomWebHandler(new DicomWebHandler.Resources(new QidoRs(services),
                new WadoRs(services), new MetadataRs(services), new RenderedRs(services), new StowRs(services),
                new WadoUri(services)));
        GzipHandler gzip = new GzipHandler(dicomWeb);
        gzip.setIncludedMimeTypes("application/dicom+json", "application/json");
        gzip.setIncludedMethods("GET");
        gzip.setMinGzipSize(MIN_GZIP_SIZE);
        gzip.setInflateBufferSize(0); // request bodies (STOW-RS) are not inflated here
        // GzipHandler asks for the path in context, which Jetty 12.1's PathMappingsHandler (the node's routes) cannot
        // give without a context above it (NullPointerException on its null context path): this context is "/"
        return new ContextHandler(gzip, "/");
    }
}
