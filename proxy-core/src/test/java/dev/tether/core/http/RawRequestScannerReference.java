package dev.tether.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.Locale;

/**
 * The byte-at-a-time {@link RawRequestScanner} as it was before it worked on whole lines (2026-11-22), kept as the
 * reference {@code RawRequestScannerEquivalenceTest} compares the faster one with.
 *
 * <p>Original description: looks at the raw request bytes before {@code HttpServerCodec} for the few things the decoder normalises away:
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
 * served, then a {@link RawRequestScanner.Refusal} message, which {@link RequestValidator} answers in turn; everything after is
 * discarded.
 */
final class RawRequestScannerReference extends ChannelInboundHandlerAdapter {

    /** Travels through the decoder (which passes non-bytes on) to {@link RequestValidator}. */
    

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
    private final StringBuilder line = new StringBuilder();
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
        for (int i = start; i < end && state != State.PASS_THROUGH; i++) {
            byte b = buf.getByte(i);
            switch (state) {
                case HEAD_START -> {
                    // The decoder skips control characters and whitespace before a request line.
                    if ((b & 0xff) > 0x20) {
                        messageStart = i;
                        line.setLength(0);
                        line.append((char) (b & 0xff));
                        state = State.REQUEST_LINE;
                    }
                }
                case BODY -> {
                    long take = Math.min(remaining, end - i);
                    remaining -= take;
                    i += (int) take - 1;
                    if (remaining == 0) {
                        state = State.HEAD_START;
                    }
                }
                case CHUNK_DATA -> {
                    long take = Math.min(remaining, end - i);
                    remaining -= take;
                    i += (int) take - 1;
                    if (remaining == 0) {
                        remaining = 2;
                        state = State.CHUNK_CRLF;
                    }
                }
                case CHUNK_CRLF -> {
                    if (--remaining == 0) {
                        line.setLength(0);
                        messageStart = i + 1;
                        state = State.CHUNK_SIZE;
                    }
                }
                default -> {
                    if (b != '\n') {
                        if (line.length() >= MAX_LINE) {
                            state = State.PASS_THROUGH;
                        } else {
                            line.append((char) (b & 0xff));
                        }
                        continue;
                    }
                    RawRequestScanner.Refusal refusal = endOfLine();
                    if (refusal != null) {
                        refuse(ctx, buf, start, messageStart, refusal);
                        return;
                    }
                    if (state == State.CHUNK_SIZE) {
                        messageStart = i + 1; // the head just ended: a refused chunk line starts here
                    }
                }
            }
        }
        ctx.fireChannelRead(buf);
    }

    /** A complete line (without its LF) is in {@code line}: act on it; a non-null result refuses the request. */
    private RawRequestScanner.Refusal endOfLine() {
        int n = line.length();
        if (n == 0 || line.charAt(n - 1) != '\r') {
            state = State.PASS_THROUGH; // bare LF: the decoder refuses it
            return null;
        }
        line.setLength(n - 1);
        String text = line.toString();
        line.setLength(0);
        switch (state) {
            case REQUEST_LINE -> {
                String problem = checkRequestLine(text);
                if (problem != null) {
                    return new RawRequestScanner.Refusal(400, problem, false);
                }
                contentLength = -1;
                lengthHeaders = 0;
                chunked = false;
                upgrade = false;
                framingUnclear = false;
                state = State.HEADER_LINE;
            }
            case HEADER_LINE -> {
                if (text.isEmpty()) {
                    endOfHead();
                } else if (text.charAt(0) == ' ' || text.charAt(0) == '\t') {
                    return new RawRequestScanner.Refusal(400, "obsolete line folding (a header line starting with whitespace) "
                            + "is not accepted", false);
                } else {
                    header(text);
                }
            }
            case CHUNK_SIZE -> {
                int digits = 0;
                while (digits < text.length() && Character.digit(text.charAt(digits), 16) >= 0) {
                    digits++;
                }
                if (digits > 16) {
                    return new RawRequestScanner.Refusal(400, "a chunk size has more than 16 hex digits", true);
                }
                if (digits == 0 || digits > 8) {
                    state = State.PASS_THROUGH; // the decoder refuses it, or it is beyond what it reads
                    return null;
                }
                long size = Long.parseLong(text.substring(0, digits), 16);
                if (size == 0) {
                    state = State.TRAILER;
                } else {
                    remaining = size;
                    state = State.CHUNK_DATA;
                }
            }
            case TRAILER -> {
                if (text.isEmpty()) {
                    state = State.HEAD_START;
                }
            }
            default -> state = State.PASS_THROUGH;
        }
        return null;
    }

    private static String checkRequestLine(String text) {
        int first = text.indexOf(' ');
        int second = first < 0 ? -1 : text.indexOf(' ', first + 1);
        if (first <= 0 || second < 0 || second == first + 1 || text.indexOf(' ', second + 1) >= 0
                || text.indexOf('\t') >= 0) {
            return "the request line must be METHOD, target and version separated by single spaces";
        }
        String version = text.substring(second + 1);
        if (!(version.length() == 8 && version.startsWith("HTTP/") && Character.isDigit(version.charAt(5))
                && version.charAt(6) == '.' && Character.isDigit(version.charAt(7)))) {
            return "the request line must end in HTTP/<digit>.<digit>";
        }
        return null;
    }

    private void header(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            state = State.PASS_THROUGH; // the decoder refuses it
            return;
        }
        String name = text.substring(0, colon).toLowerCase(Locale.ROOT);
        String value = text.substring(colon + 1).trim();
        switch (name) {
            case "content-length" -> {
                lengthHeaders++;
                if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(Character::isDigit)) {
                    framingUnclear = true;
                } else {
                    contentLength = Long.parseLong(value);
                }
            }
            case "transfer-encoding" -> chunked = true;
            case "upgrade" -> upgrade |= value.toLowerCase(Locale.ROOT).contains("websocket");
            default -> { }
        }
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

    private void refuse(ChannelHandlerContext ctx, ByteBuf buf, int start, int messageStart, RawRequestScanner.Refusal refusal) {
        state = State.REFUSED;
        if (messageStart > start) {
            ctx.fireChannelRead(buf.retainedSlice(start, messageStart - start));
        }
        buf.release();
        ctx.fireChannelRead(refusal);
    }

}
