/** A form's or a section's error, read out by screen readers; nothing when there is none. */
export function ErrorLine({ message, testId }: { message: string | null | undefined; testId?: string }) {
  if (!message) return null;
  return (
    <p role="alert" data-testid={testId} className="text-xs text-red-600">
      {message}
    </p>
  );
}
