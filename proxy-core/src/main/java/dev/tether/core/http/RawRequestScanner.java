package dev.tether.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Looks at the raw request bytes before {@code HttpServerCodec} for the few things the decoder normalises away:
 * obs-fold continuation lines (the decoder joins them into one value), a request line with other than single
 * spaces between its three parts or a version that is not exactly {@code HTTP/d.d} (the decoder accepts
 * {@code http/1.1}, tabs and runs of spaces), and chunk sizes of more than 16 hex digits (the decoder accepts
 * leading zeros without limit).
 *
 * <p>It follows the message framing itself: heads line by line, then a Content-Length body by counting, or a
 * chunked body by its size lines, then the next head. It stops looking (passes everything through) wherever it
 * cannot be sure to agree with the decoder: a head it cannot read, a line longer than 64 KiB, conflicting or
 * malformed framing (the decoder refuses those itself), or a websocket upgrade (what follows may be a tunnel).
 *
 * <p>On a violation it passes on the bytes before the offending head or chunk line, so earlier requests are
 * served, then a {@link Refusal} message, which {@link RequestValidator} answers in turn; everything after is
 * discarded.
 */
public final class RawRequestScanner extends ChannelInboundHandlerAdapter {

    /** Travels through the decoder (which passes non-bytes on) to {@link RequestValidator}. */
    public record Refusal(int status, String message, boolean inBody) {}

    private static final int MAX_LINE = 64 * 1024;

    private enum State {
        HEAD_START,
        REQUEST_LINE,
        HEADER_LINE,
        BODY,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_CRLF,
        TRAILER,
        PASS_THROUGH,
        REFUSED
    }

    private State state = State.HEAD_START;
    // The line being read, without its LF: whole lines are copied in with one bulk copy, not byte by byte.
    private byte[] line = new byte[256];
    private int lineLength;
    private long remaining;
    private long contentLength;
    private int lengthHeaders;
    private boolean chunked;
    private boolean upgrade;
    private boolean framingUnclear;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.PASS_THROUGH || !(msg instanceof ByteBuf buf)) {
            if (state == State.REFUSED) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
            return;
        }
        if (state == State.REFUSED) {
            buf.release();
            return;
        }
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        int messageStart = start; // where the head or chunk line being read began, within this buffer
        int i = start;
        while (i < end && state != State.PASS_THROUGH) {
            switch (state) {
                case HEAD_START -> {
                    // The decoder skips control characters and whitespace before a request line.
                    if ((buf.getByte(i) & 0xff) > 0x20) {
                        messageStart = i;
                        lineLength = 0;
                        state = State.REQUEST_LINE; // this byte is the line's first
                    } else {
                        i++;
                    }
                }
                case BODY -> {
                    long take = Math.min(remaining, end - i);
                    remaining -= take;
                    i += (int) take;
                    if (remaining == 0) {
                        state = State.HEAD_START;
                    }
                }
                case CHUNK_DATA -> {
                    long take = Math.min(remaining, end - i);
                    remaining -= take;
                    i += (int) take;
                    if (remaining == 0) {
                        remaining = 2;
                        state = State.CHUNK_CRLF;
                    }
                }
                case CHUNK_CRLF -> {
                    i++;
                    if (--remaining == 0) {
                        lineLength = 0;
                        messageStart = i;
                        state = State.CHUNK_SIZE;
                    }
                }
                default -> {
                    int lf = buf.indexOf(i, end, (byte) '\n');
                    int stop = lf < 0 ? end : lf;
                    if (lineLength + (stop - i) > MAX_LINE) {
                        state = State.PASS_THROUGH;
                        break;
                    }
                    appendLine(buf, i, stop - i);
                    if (lf < 0) {
                        i = end;
                        break;
                    }
                    i = lf + 1;
                    Refusal refusal = endOfLine();
                    if (refusal != null) {
                        refuse(ctx, buf, start, messageStart, refusal);
                        return;
                    }
                    if (state == State.CHUNK_SIZE) {
                        messageStart = i; // the head just ended: a refused chunk line starts here
                    }
                }
            }
        }
        ctx.fireChannelRead(buf);
    }

    private void appendLine(ByteBuf buf, int from, int length) {
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.max(lineLength + length, Math.min(2 * line.length, MAX_LINE)));
        }
        buf.getBytes(from, line, lineLength, length);
        lineLength += length;
    }

    /** A complete line (without its LF) is in {@code line}: act on it; a non-null result refuses the request. */
    private Refusal endOfLine() {
        byte[] b = line;
        int n = lineLength;
        lineLength = 0;
        if (n == 0 || b[n - 1] != '\r') {
            state = State.PASS_THROUGH; // bare LF: the decoder refuses it
            return null;
        }
        n--;
        switch (state) {
            case REQUEST_LINE -> {
                String problem = checkRequestLine(b, n);
                if (problem != null) {
                    return new Refusal(400, problem, false);
                }
                contentLength = -1;
                lengthHeaders = 0;
                chunked = false;
                upgrade = false;
                framingUnclear = false;
                state = State.HEADER_LINE;
            }
            case HEADER_LINE -> {
                if (n == 0) {
                    endOfHead();
                } else if (b[0] == ' ' || b[0] == '\t') {
                    return new Refusal(400, "obsolete line folding (a header line starting with whitespace) "
                            + "is not accepted", false);
                } else {
                    header(b, n);
                }
            }
            case CHUNK_SIZE -> {
                int digits = 0;
                while (digits < n && hexValue(b[digits]) >= 0) {
                    digits++;
                }
                if (digits > 16) {
                    return new Refusal(400, "a chunk size has more than 16 hex digits", true);
                }
                if (digits == 0 || digits > 8) {
                    state = State.PASS_THROUGH; // the decoder refuses it, or it is beyond what it reads
                    return null;
                }
                long size = 0;
                for (int k = 0; k < digits; k++) {
                    size = size << 4 | hexValue(b[k]);
                }
                if (size == 0) {
                    state = State.TRAILER;
                } else {
                    remaining = size;
                    state = State.CHUNK_DATA;
                }
            }
            case TRAILER -> {
                if (n == 0) {
                    state = State.HEAD_START;
                }
            }
            default -> state = State.PASS_THROUGH;
        }
        return null;
    }

    private static String checkRequestLine(byte[] b, int n) {
        int first = indexOf(b, 0, n, (byte) ' ');
        int second = first < 0 ? -1 : indexOf(b, first + 1, n, (byte) ' ');
        if (first <= 0 || second < 0 || second == first + 1 || indexOf(b, second + 1, n, (byte) ' ') >= 0
                || indexOf(b, 0, n, (byte) '\t') >= 0) {
            return "the request line must be METHOD, target and version separated by single spaces";
        }
        int v = second + 1;
        if (!(n - v == 8 && b[v] == 'H' && b[v + 1] == 'T' && b[v + 2] == 'T' && b[v + 3] == 'P' && b[v + 4] == '/'
                && isDigit(b[v + 5]) && b[v + 6] == '.' && isDigit(b[v + 7]))) {
            return "the request line must end in HTTP/<digit>.<digit>";
        }
        return null;
    }

    private void header(byte[] b, int n) {
        int colon = indexOf(b, 0, n, (byte) ':');
        if (colon <= 0) {
            state = State.PASS_THROUGH; // the decoder refuses it
            return;
        }
        // The value without surrounding whitespace and controls, as String.trim() leaves it.
        int from = colon + 1;
        int to = n;
        while (from < to && (b[from] & 0xff) <= ' ') {
            from++;
        }
        while (to > from && (b[to - 1] & 0xff) <= ' ') {
            to--;
        }
        if (nameIs(b, colon, CONTENT_LENGTH)) {
            lengthHeaders++;
            int length = to - from;
            boolean digits = length > 0 && length <= 18;
            long value = 0;
            for (int k = from; digits && k < to; k++) {
                digits = isDigit(b[k]);
                value = value * 10 + (b[k] - '0');
            }
            if (digits) {
                contentLength = value;
            } else {
                framingUnclear = true;
            }
        } else if (nameIs(b, colon, TRANSFER_ENCODING)) {
            chunked = true;
        } else if (nameIs(b, colon, UPGRADE)) {
            upgrade |= containsIgnoreCase(b, from, to, WEBSOCKET);
        }
    }

    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] UPGRADE = ascii("upgrade");
    private static final byte[] WEBSOCKET = ascii("websocket");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether {@code b[0, length)} is {@code lowerName}, ignoring ASCII case. */
    private static boolean nameIs(byte[] b, int length, byte[] lowerName) {
        if (length != lowerName.length) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            if (toLowerAscii(b[k]) != lowerName[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsIgnoreCase(byte[] b, int from, int to, byte[] lowerNeedle) {
        outer:
        for (int k = from; k + lowerNeedle.length <= to; k++) {
            for (int j = 0; j < lowerNeedle.length; j++) {
                if (toLowerAscii(b[k + j]) != lowerNeedle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static byte toLowerAscii(byte c) {
        return c >= 'A' && c <= 'Z' ? (byte) (c + ('a' - 'A')) : c;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static int hexValue(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int k = from; k < to; k++) {
            if (b[k] == c) {
                return k;
            }
        }
        return -1;
    }

    private void endOfHead() {
        if (upgrade || framingUnclear || lengthHeaders > 1 || (chunked && lengthHeaders > 0)) {
            // A tunnel may follow, or the decoder refuses this head and closes: stop following the framing.
            state = State.PASS_THROUGH;
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (contentLength > 0) {
            remaining = contentLength;
            state = State.BODY;
        } else {
            state = State.HEAD_START;
        }
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf buf, int start, int messageStart, Refusal refusal) {
        state = State.REFUSED;
        if (messageStart > start) {
            ctx.fireChannelRead(buf.retainedSlice(start, messageStart - start));
        }
        buf.release();
        ctx.fireChannelRead(refusal);
    }

}
