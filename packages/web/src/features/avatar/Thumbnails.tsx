import type { User } from "@users/client";

const sizes = ["64", "128", "256"] as const;

/** Every thumbnail at its own size, each a plain <img> of the public URL the API gives. */
export function Thumbnails({ user }: { user: User }) {
  if (!user.avatar) return <p className="muted">No avatar yet.</p>;
  return (
    <ul className="thumbnails" aria-label="Thumbnails">
      {sizes.map((size) => (
        <li key={size}>
          <img src={user.avatar!.thumbnails[size]} width={Number(size)} height={Number(size)} alt={`${user.name}, ${size} px`} data-size={size} />
          <span className="muted">{size} px</span>
        </li>
      ))}
    </ul>
  );
}
