package org.gridpacs.web;

import org.gridpacs.web.metadata.MetadataRs;
import org.gridpacs.web.qido.QidoRs;
import org.gridpacs.web.render.RenderedRs;
import org.gridpacs.web.stow.StowRs;
import org.gridpacs.web.wado.WadoRs;
import org.gridpacs.web.wadouri.WadoUri;

/** Builds the DICOMweb handler of a node over its services. */
public final class DicomWeb {
    private DicomWeb() {
    }

    public static DicomWebHandler handler(DicomWebServices services) {
        return new DicomWebHandler(new DicomWebHandler.Resources(new QidoRs(services), new WadoRs(services),
                new MetadataRs(services), new RenderedRs(services), new StowRs(services), new WadoUri(services)));
    }
}
