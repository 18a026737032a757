package org.gridpacs.dicom.net.pdu;

/**
 * Asynchronous Operations Window sub-item (0x53, PS3.7 D.3.3.3). 0 means unlimited.
 *
 * @param maxOperationsInvoked how many operations the requestor may invoke without waiting for responses
 * @param maxOperationsPerformed how many operations the requestor may perform asynchronously
 */
public record AsyncOperationsWindow(int maxOperationsInvoked, int maxOperationsPerformed) {
    public AsyncOperationsWindow {
        Bytes.checkU16("maxOperationsInvoked", maxOperationsInvoked);
        Bytes.checkU16("maxOperationsPerformed", maxOperationsPerformed);
    }
}
