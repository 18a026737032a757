package org.gridpacs.dicom.net.pdu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Fields shared by A-ASSOCIATE-RQ and A-ASSOCIATE-AC (PS3.8 9.3.2, 9.3.3), which have the same layout
 * and differ only in the presentation context items they carry. Mutable, not thread-safe.
 *
 * @param <P> the presentation context item type: {@link PresentationContext.RQ} or {@link PresentationContext.AC}
 */
public abstract sealed class AAssociate<P extends PresentationContext> implements Pdu
        permits AAssociateRQ, AAssociateAC {

    /** The DICOM Application Context Name (PS3.7 Annex A.2.1). */
    public static final String DICOM_APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";
    /** Protocol version 1: bit 0 of the 16-bit field (PS3.8 9.3.2). */
    public static final int PROTOCOL_VERSION_1 = 1;

    private int protocolVersion = PROTOCOL_VERSION_1;
    private String calledAETitle;
    private String callingAETitle;
    private String applicationContext = DICOM_APPLICATION_CONTEXT;
    private final List<P> presentationContexts = new ArrayList<>();
    private UserInformation userInformation = new UserInformation();

    AAssociate() {
    }

    public int protocolVersion() {
        return protocolVersion;
    }

    /** The 16-bit protocol version bit field; kept as received so the acceptor can reject unsupported versions. */
    public void setProtocolVersion(int protocolVersion) {
        Bytes.checkU16("protocol version", protocolVersion);
        this.protocolVersion = protocolVersion;
    }

    /** Trimmed called AE title; in a decoded AC possibly empty (the AC fields are "not tested", PS3.8 9.3.3). */
    public String calledAETitle() {
        return calledAETitle;
    }

    /** Sets the called AE title after trimming spaces; must be 1..16 characters, no backslash or control characters. */
    public void setCalledAETitle(String aet) {
        this.calledAETitle = Bytes.checkAETitle("called AE title", aet);
    }

    public String callingAETitle() {
        return callingAETitle;
    }

    /** Sets the calling AE title, validated as for {@link #setCalledAETitle}. */
    public void setCallingAETitle(String aet) {
        this.callingAETitle = Bytes.checkAETitle("calling AE title", aet);
    }

    public String applicationContext() {
        return applicationContext;
    }

    public void setApplicationContext(String name) {
        this.applicationContext = Objects.requireNonNull(name, "application context name");
    }

    /** The presentation contexts in the order they were added (or received). */
    public List<P> presentationContexts() {
        return Collections.unmodifiableList(presentationContexts);
    }

    /** Adds a presentation context; its ID must not be used already in this PDU. */
    public void addPresentationContext(P pc) {
        if (presentationContext(pc.id()) != null) {
            throw new IllegalArgumentException("duplicate presentation context ID " + pc.id());
        }
        presentationContexts.add(pc);
    }

    /** The presentation context with this ID, or null. */
    public P presentationContext(int id) {
        for (P pc : presentationContexts) {
            if (pc.id() == id) {
                return pc;
            }
        }
        return null;
    }

    public void clearPresentationContexts() {
        presentationContexts.clear();
    }

    /** The user information item, never null; modify it in place. */
    public UserInformation userInformation() {
        return userInformation;
    }

    public void setUserInformation(UserInformation userInformation) {
        this.userInformation = Objects.requireNonNull(userInformation);
    }

    /** Decoded AE titles of an AC are stored without validation, see {@link #calledAETitle()}. */
    void setAETitlesUnchecked(String called, String calling) {
        this.calledAETitle = called;
        this.callingAETitle = calling;
    }

    /** Appends the lines of one presentation context for {@link #toString()}. */
    abstract void appendTo(StringBuilder sb, P pc);

    /** Multi-line summary for logs. User identity fields are not printed. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(512).append(Pdu.typeName(type())).append('\n');
        sb.append("  called AE title: ").append(calledAETitle).append('\n');
        sb.append("  calling AE title: ").append(callingAETitle).append('\n');
        if (protocolVersion != PROTOCOL_VERSION_1) {
            sb.append("  protocol version: 0x").append(Integer.toHexString(protocolVersion)).append('\n');
        }
        sb.append("  application context: ").append(applicationContext).append('\n');
        for (P pc : presentationContexts) {
            appendTo(sb, pc);
        }
        userInformation.appendTo(sb);
        sb.setLength(sb.length() - 1); // no trailing newline: loggers add their own
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AAssociate<?> a && a.getClass() == getClass()
                && protocolVersion == a.protocolVersion
                && Objects.equals(calledAETitle, a.calledAETitle)
                && Objects.equals(callingAETitle, a.callingAETitle)
                && applicationContext.equals(a.applicationContext)
                && presentationContexts.equals(a.presentationContexts)
                && userInformation.equals(a.userInformation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type(), protocolVersion, calledAETitle, callingAETitle, applicationContext,
                presentationContexts, userInformation);
    }
}
