import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        This console page does not exist. Go to the <Link to="/">tenants list</Link>.
      </p>
    </>
  );
}
