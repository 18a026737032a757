/**
 * DICOM Upper Layer PDU codec (PS3.8 section 9.3 and Annex D, PS3.7 Annex D.3): pure encoding and
 * decoding of the seven PDU types, without sockets or threads.
 *
 * <p>Entry points: {@link org.gridpacs.dicom.net.pdu.PduReader} reads one PDU at a time from a stream,
 * {@link org.gridpacs.dicom.net.pdu.PduWriter} writes any PDU, and
 * {@link org.gridpacs.dicom.net.pdu.PDataTFWriter} writes P-DATA-TF headers in front of data the caller
 * already holds so that DIMSE messages can be fragmented without copying.
 *
 * <p><b>Maximum length.</b> The Maximum Length Received of the Maximum Length Sub-Item (PS3.8 D.1)
 * limits "the length of the variable field of the P-DATA-TF PDUs", i.e. the value of the PDU-length
 * field (PS3.8 9.3.5): every byte after the 6-byte PDU header, which includes the 4-byte item length,
 * presentation context ID and message control header of each PDV. A P-DATA-TF holding a single PDV
 * therefore carries at most {@code maxLength - 6} bytes of fragment. 0 means no limit. This package
 * uses that definition both when checking received PDUs and in
 * {@link org.gridpacs.dicom.net.pdu.PDataTFWriter#maxFragmentLength(long)}.
 *
 * <p><b>Leniency.</b> Reserved fields are written as zero and never tested. Items and user information
 * sub-items of unknown type are skipped (PS3.8 9.3.1, D.3.3). Structural damage (an item longer than
 * its parent, a fixed-length field of the wrong length, a missing mandatory item) raises a
 * {@link org.gridpacs.dicom.net.pdu.PduException} carrying the A-ABORT reason to send.
 */
package org.gridpacs.dicom.net.pdu;
