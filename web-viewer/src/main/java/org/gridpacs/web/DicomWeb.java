package org.gridpacs.web;

import org.gridpacs.web.qido.QidoRs;
import org.gridpacs.web.stow.StowRs;
import org.gridpacs.web.wado.WadoRs;
import org.gridpacs.web.wadouri.WadoUri;

/** Builds the DICOMweb handler of a node over its services. */
public final class DicomWeb {
    private DicomWeb() {
    }

    public static DicomWebHandler handler(DicomWebServices services) {
        return new DicomWebHandler(new QidoRs(services), new WadoRs(services), new StowRs(services),
                new WadoUri(services));
    }
}
