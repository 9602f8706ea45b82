import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Conflux',
  description: 'Visual dataflow platform: a live canvas over a streaming engine.',
};

/** Root layout. Fonts come from the system stack (Tailwind's font-sans): the machine is offline. */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="font-sans text-sm">{children}</body>
    </html>
  );
}
