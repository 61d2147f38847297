package datafeed

import (
	"io"
	"os"
)

// TempZip is a zip archive of feeds in a temporary file, rewound, for a server to answer with
// once the export succeeded: a failure is then an error answer rather than half an archive,
// and the archive is on disk, not in memory. Close removes the file.
type TempZip struct {
	*os.File
}

// SpoolZip creates a TempZip in the system's temporary directory and writes into it, as a zip
// archive, the feeds that write gives its sink. It returns write's error, leaving no file.
func SpoolZip(write func(Sink) error) (*TempZip, error) {
	f, err := os.CreateTemp("", "feeds-*.zip")
	if err != nil {
		return nil, err
	}
	z := &TempZip{File: f}
	sink := NewZipSink(f)
	if err := write(sink); err != nil {
		z.Close()
		return nil, err
	}
	if err := sink.Close(); err != nil {
		z.Close()
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		z.Close()
		return nil, err
	}
	return z, nil
}

// Close closes and removes the file.
func (z *TempZip) Close() error {
	err := z.File.Close()
	if rerr := os.Remove(z.Name()); err == nil {
		err = rerr
	}
	return err
}
