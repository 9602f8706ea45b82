import type { ButtonHTMLAttributes } from 'react';
import { cn } from './cn';

type Tone = 'primary' | 'neutral' | 'danger' | 'go';

const tones: Record<Tone, string> = {
  primary: 'border-sky-600 bg-sky-600 text-white hover:bg-sky-700',
  neutral: 'border-slate-300 bg-white text-slate-700 hover:bg-slate-100',
  danger: 'border-red-300 bg-white text-red-700 hover:bg-red-50',
  go: 'border-emerald-600 bg-emerald-600 text-white hover:bg-emerald-700',
};

/** The one button look of the app: small, bordered, four tones. */
export function Button({ tone = 'neutral', className, ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { tone?: Tone }) {
  return (
    <button
      type="button"
      {...props}
      className={cn(
        'inline-flex items-center gap-1 rounded border px-2.5 py-1 text-xs font-medium whitespace-nowrap transition-colors disabled:cursor-not-allowed disabled:opacity-50',
        tones[tone],
        className,
      )}
    />
  );
}
